"""What Dutch and English look like: frequent words, and spelling patterns of unknown words.

General language knowledge, not taken from any FAQ: the most frequent function words and
everyday words of each language (folded: lower case, no accents), and orthographic cues with
log-odds weights (positive = Dutch, negative = English). Words in both lists (in, is, was, we,
over, even, want ...) say nothing and are left out of both.
"""

from __future__ import annotations

import re

_DUTCH = """
    aan aangezien achter af al alle alleen allemaal alles als alsjeblieft alstublieft altijd
    alvast alweer ander andere anders beetje begrijp begrijpen beide belangrijk ben bent
    beter bij bijna binnen blijft blijkt blijven boven bovendien bedankt bedrijf bekend
    bellen bestelling betaald betaling brengen daar daarbij daardoor daarin daarmee daarna
    daarnaast daarom daarop daarvoor dag dan dank dankjewel dankuwel dat de deel deed deze
    die dienst diensten dingen dit doe doen doet door duidelijk duren duurt dus echt een
    eens eerst eerste eigenlijk elk elke en enkele er erbij erin ermee erop ervoor erg
    gaan gaat ga gebeurd gebeurt gebruik gebruiken geeft geen gehad gekregen gedaan
    gegeven geleden gelukt gemaakt genoeg geval geven gewoon geweest geworden gisteren goed
    goede goedemiddag goedemorgen goedenavond graag groet groeten groetjes grote
    hebben heb hebt heeft heel helemaal hem hen het hier hierbij hiermee hiervoor hij hoe
    hoelang hoeveel hoewel hoi houden hun iedereen ieder iedere iemand iets ik inderdaad
    indien ineens jaar jij jou jouw jullie kan keer kijken klant klanten klein kleine kom
    komen komt kon kort kreeg krijg krijgen krijgt kun kunnen kunt laatste lang lange laten
    lezen liggen lukt lukken maak maakt maand maar maken manier meer mee meeste mensen met
    mij mijn misschien moet moeten mogelijk morgen na naar naast nadat namelijk natuurlijk
    nee nemen niet niets nieuw nieuwe niks nodig nog nogmaals nooit nu ofzo omdat om ons
    onze ook oud oude overigens op opnieuw precies probleem proberen rond samen schrijven
    slecht snap snel sinds soms staan staat steeds straks sturen tegen te tenzij terwijl
    toch toen tot trouwens tussen twee tweede uit uw u vaak van vanaf vandaag vanuit veel
    verder vind vinden vindt volgende volgens voor voordat vorige vraag vragen waar waarbij
    waarin waarmee waarom waarop waarschijnlijk wanneer waren wat weer weet weten welk welke
    wel werd werden werk werken werkt werkte wie wij wil wilde willen wilt word worden
    wordt zal ze zeggen zegt zelf zeker zetten zich zie zien ziet zij zijn zit zitten zo
    zoals zodat zoeken zonder zou zouden zowel zulke zullen ja jawel nou
    factuur facturen abonnement betalen bestellen geld adres gegevens wachtwoord fout
    foutmelding melding instellingen pagina scherm knop bericht berichten
"""

_ENGLISH = """
    a about above across after again against all already also although always am an
    and another any anyone anything are aren't around as ask asked at back bad be because
    been before being below best better between big both bought but buy by call called
    came can can't cannot cant change changed come comes coming could couldn't customer
    customers day did didn't didnt do does doesn't doesnt doing don't done dont down
    during each either every everyone everything few find first for found from get gets
    getting give gives go goes going gone good got had has hasn't have haven't having he
    hello her here hey hi him his how however i i'd i'll i'm i've if im into isn't isnt
    it it's its ive just keep know last let like little long look looking made make many
    might money more most much must my myself need never new next no not nothing now of
    off old on once one only or other our out own people please put question really
    received right said same say says see send sent she should show showing since so some
    someone something still such sure take tell than thank thanks that that's thats the
    their them themselves then there there's these they thing think this those though
    through time to today told too took tried try trying turn under unless until up upon
    us use used using very wait want was wasn't way well went were what what's whats when
    where whether which while who whole whom whose why will with within without won't
    wont work worked working works would wouldn't wrong yes yesterday yet you you're your
    yours yourself invoice subscription
"""

DUTCH_WORDS = frozenset(_DUTCH.split())
ENGLISH_WORDS = frozenset(_ENGLISH.split())
SHARED_WORDS = DUTCH_WORDS & ENGLISH_WORDS

# (pattern within one folded word, log-odds for Dutch). Anchors: ^ start, $ end of the word.
_CUES: tuple[tuple[str, float], ...] = (
    ("ij", 1.6), ("aa", 1.2), ("uu", 1.3), ("oe", 0.8), ("ui", 0.6), ("eu", 0.6),
    ("ei", 0.4), ("sch", 1.0), ("cht", 0.9), ("kk", 0.8), ("ee", 0.2),
    ("heid$", 1.5), ("tje$", 1.5), ("jes?$", 0.8), ("ngen$", 1.0), ("en$", 0.6),
    ("tie$", 1.0), ("isch", 1.0), ("dt$", 1.2), ("kt$", 0.8), ("gt$", 1.0), ("ig$", 0.5),
    ("^ge", 0.5), ("^ont", 0.8), ("^ver", 0.3), ("^z", 0.5),
    ("th", -1.4), ("wh", -1.5), ("sh", -0.8), ("gh", -0.9), ("ck", -0.6), ("qu", -0.4),
    ("ow", -0.8), ("aw", -0.8), ("ew", -0.8), ("ay", -1.0), ("ey", -0.7), ("oy", -0.8),
    ("y", -0.5), ("ea", -0.9), ("oa", -0.6), ("ue", -0.5), ("ph", -0.5), ("x", -0.3),
    ("tion$", -1.2), ("ing$", -0.4), ("ed$", -0.7), ("ly$", -1.2), ("ness$", -1.2),
    ("ful$", -1.2), ("ous$", -1.0), ("ive$", -0.6), ("able$", -0.7), ("ss", -0.3),
)  # fmt: skip

CUES = tuple((re.compile(pattern), weight) for pattern, weight in _CUES)
