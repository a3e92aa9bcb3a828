"""Dutch and English cue phrases per intent, as data.

Patterns run on folded text (``bot.core.text.fold``: lower case, no accents). They describe how
people ask for things in general (any WordPress vendor's customers), never our own FAQ wording.
``STRONG`` cues decide an intent on their own. ``ROUTE_CUES`` are only evidence: the way a
request to the company is phrased ("can you build ...", "my refund"), which word-based retrieval
cannot see because such words are stop words. They raise a policy route's card in the one
decision (``bot.core.dialogue.decision``), where a better-matching FAQ entry still wins.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    PERSON = "person"
    PROBLEM = "problem"
    QUESTION = "question"
    NOT_HELPED = "not_helped"
    HELPED = "helped"
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"
    UPDATED = "updated"
    LATEST = "latest"
    CANT_UPDATE = "cant_update"
    CORRECTED = "corrected"  # not lexical: set by the engine when a message changed product/version
    CULPRIT = "culprit"  # not lexical: another vendor's product named during the conflict test


_B = r"(?<![\w-])"  # word start that also refuses a hyphen before (wp-admin is one token)
_E = r"(?![\w-])"
_SOMEONE = r"iemand|persoon|mens|medewerker|collega|someone|somebody|person|human|agent|staff"

STRONG: dict[Intent, tuple[str, ...]] = {
    Intent.GREETING: (
        # "goedemorgen", "goeiemorgen", "goedenavond", "goeiedag": "goeie" is spoken "goede"
        r"^(hallo|hoi|hey+|hi|hello|hiya|goe(de|ie)n?(morgen|middag|avond|dag)|good (morning|"
        r"afternoon|evening)|dag|beste|yo|heey|morning|moi)\b",
    ),
    Intent.THANKS: (
        r"\b(bedankt|dank ?(je|u|jullie)( wel)?|dankjewel|dankuwel|thanks|thank (you|u)|thx|"
        r"ty|merci|many thanks|cheers)\b",
    ),
    Intent.GOODBYE: (
        r"\b(doei|tot ziens|tot later|fijne (dag|avond|middag)|bye|goodbye|see you|have a nice day|"
        r"prettige dag|groetjes)\b",
    ),
    Intent.PERSON: (
        r"\b(medewerker|een mens|met een persoon|echte? (persoon|mens)|"
        r"iemand (van (jullie|support) )?(spreken|praten)|(spreken|praten) met iemand|"
        r"human|real person|live (agent|person)|an agent|a person|representative|"
        r"(speak|talk|chat) (to|with) (someone|somebody|a|support)|"
        r"contact (met )?(iemand|support|de helpdesk)|"
        r"(ticket|supportverzoek) (aanmaken|openen|indienen)|(open|create|submit|raise) a "
        r"(ticket|support request)|doorverbinden|escalate|escaleren)\b",
        # conversing with a person, a few words between ("speak to an actual person", "praten
        # met een echte medewerker"), or the Dutch verb last ("iemand van jullie support spreken")
        rf"\b(speak|talk|chat|spreken|praten|chatten) (to|with|met) (\w+ ){{0,2}}({_SOMEONE})\b",
        rf"\b({_SOMEONE})\b(\W+\w+){{0,4}}?\W+(spreken|praten)\b",
        r"\b(geen|not an?|no) ?(chat)?bot\b",  # "a person, not a bot"
    ),
    Intent.NOT_HELPED: (
        r"\b((hielp|helpt|help) (me )?(niet|niks)|niet geholpen|niks aan|did ?n'?t help|"
        r"does ?n'?t help|not help(ful|ing)?|no help|werkt (nog )?(steeds|altijd) niet|nog steeds|"
        r"still (not|doesn'?t|does not|broken|the same|happening)|niet opgelost|not (solved|fixed|"
        r"resolved)|not what i|niet wat ik|dat is (het )?niet|that'?s not (it|what)|"
        r"geen antwoord op mijn vraag|beantwoordt mijn vraag niet|doesn'?t answer|"
        r"none of (these|them|those)|geen van (deze|allen|beide|de)|is er nog|still there)\b",
        # the symptom persists: "de kalender blijft draaien", "it keeps spinning"
        r"\b(blijft|blijven)\b(?! (\w+ )?(werken|goed|mooi)\b)|\b(keeps|kept) (on )?\w+ing\b",
    ),
    Intent.HELPED: (
        r"\b(dat hielp|heeft geholpen|helpt|opgelost|het werkt( weer)?|werkt (nu|weer)|"
        r"(probleem|problem|fout|error|melding) (is )?(weg|verdwenen|gone|opgelost)|"
        r"(it|that) (worked|helped|fixed it|did it)|solved|fixed|it works|works now|"
        r"problem solved|probleem opgelost|gelukt)\b",
    ),
    Intent.YES: (
        r"^(ja|jawel|jazeker|yes|yep|yup|yeah|ja graag|graag|ok(e|ay|ee)?|prima|goed|sure|please|"
        r"zeker|klopt|correct|inderdaad|absoluut|definitely|of course|natuurlijk)\b",
    ),
    # "no problem" and "no worries" agree
    Intent.NO: (
        r"^(nee|neen|nope|no(?! (problem|prob|worries)\b)|nah|liever niet|no thanks|nee dank|"
        r"niet nodig|not now)\b",
    ),
    Intent.DONT_KNOW: (
        r"\b(weet (ik )?(het )?niet|geen idee|geen flauw idee|no idea|(do ?n'?t|do not) know|"
        r"not sure|unsure|weet niet zeker|kan ik niet vinden|can'?t find (it|the version))\b",
    ),
    Intent.UPDATED: (
        r"\b(bijgewerkt|ge-?updat?e?(d|t)|updated|upgraded|geupgraded|geinstalleerd de nieuwste|"
        r"installed the (latest|new)|heb (de )?update|did the update)\b",
    ),
    Intent.LATEST: (
        r"\b(nieuwste|laatste|latest|newest|most recent|up to date|up-to-date|actuele|recentste)"
        r"( versie| version)?\b",
    ),
    Intent.CANT_UPDATE: (
        r"\b(kan (niet|geen) (updaten|bijwerken|update)|can'?t update|cannot update|unable to "
        r"update|update (lukt|werkt) niet|update (fails|failed)|"
        r"geen update (zichtbaar|beschikbaar)|"
        r"no update (available|shown))\b",
    ),
}

ROUTE_CUES: dict[str, tuple[str, ...]] = {
    "channels": (
        # asking to reach us another way; not a phone or a social network as a product topic
        # ("the gallery is cut off on my phone"), nor inside slugs or paths
        r"(?<![\w/.-])(((ik|we|wij|u|je|jullie|me|mij|ons|kan|kun|kunt|kunnen|mag|mogen|wil|"
        # calling us ("kan ik jullie bellen", "bellen?"), not "klanten bellen dat de shop dicht is"
        r"willen|graag|even|liever)\b[^.?!,\n]{0,40}?\b|^)(op)?bellen\b|(op)?bellen *\?|"
        r"(jullie|uw|een|het) telefoonnummer|telefonisch|"
        r"terugbellen|(call|phone|ring) (you|me|us)|give (me|us) a (call|ring)|call me back|"
        r"your (phone|support|telephone) (number|line)|a (support|telephone) (number|line)|"
        r"(is there|do you have|have you got) a phone number|"
        # reaching us somewhere else, not a code shared "op facebook" by the customer's visitors
        r"(you|jullie|u|your|uw|support|contact|reach|bereik\w*)\b[^.?!]{0,40}?\b(by|over the|"
        r"via|per|on|op) (phone|telefoon|whats ?app|facebook|messenger|twitter|instagram|linkedin|"
        r"skype|zoom|teams)|"
        r"(do you|hebben jullie|heb je|heeft u) (have |offer )?(a |een )?(phone|telefoon|"
        r"whats ?app|live ?chat|chat)|live ?chat|chatten met|video ?call|videobellen|"
        r"teams meeting|zoom (call|meeting)|(appen|whatsappen|dm) (jullie|u|you))(?![\w/.-])",
    ),
    # the customer's own purchase from us: money, licences, subscriptions
    "billing": (
        # a refund of the customer's own money ("iemand wil zijn geld terug", "how do I refund
        # an order" are about the customer's customers)
        r"\b((mijn|ons|my|our) (geld|money) (terug\w*|back)|(ik|we|wij|i)('d|'m)? (\S+ ){0,6}?"
        r"(geld terug|money back|terugbetaling|(a|my|our|the|een) refund|refunded)\b|"
        r"(refund|terugbetalen|terugstorten) "
        r"(me|us|mij|ons)|chargeback|dubbel betaald|"
        r"(charged|billed)( me| us)? (twice|double)|twice charged|double charged|afgeschreven|"
        r"(abonnement|licentie|verlenging) (opzeggen|annuleren|stopzetten|verlengen|upgraden|"
        r"uitbreiden|overzetten)|(opzeggen|annuleren|stopzetten) (van )?(mijn |het |ons )?"
        r"(abonnement|licentie)|cancel (my |our |the )?(subscription|licen[cs]e|plan|renewal)|"
        r"(auto(matic)?[ -]?)?renew(al|ed)?|verleng(en|ing|d)|upgrade (my |our |the )?"
        r"(licen[cs]e|plan|subscription)|(my|our|mijn|ons|onze) (purchase|aankoop|"
        r"subscription|abonnement|receipt|kwitantie|renewal|verlenging|payment|betaling)|"
        r"(buy|purchase|kopen|aanschaffen) (a |an |the |een |de )?(licen[cs]e|licentie|plan)|"
        r"wat kost|how much (is|does|do|for)|what (does|do|will) (it|that|this|they) cost|"
        # a discount from us, not one the customer's own shop gives ("can each subscriber get a
        # discount code", "free shipping after the coupon" are product questions)
        r"(do you|hebben jullie|geven jullie|bieden jullie|heeft u|is there|are there|any|"
        r"krijg ik|can i get|can we get) (\w+ ){0,3}?(korting|discount|coupon)|"
        r"(korting|discount|coupon)\w*( code)? (\w+ ){0,6}?(jullie|your|uw) (winkel|shop|store|"
        r"checkout|webshop|website|site|kassa)|"
        r"bestelnummer|ordernummer|order (number|nr))\b",
        # a lapsed licence ("my key expired", "licentie is verlopen"): renewing is billing's
        r"\b(licen[cs]es?|licenties?|licentiesleutel|(my|our|mijn|onze|de|the) (licen[cs]e )?key|"
        r"(my|our|mijn|ons|onze) (subscription|abonnement))\b[^.?!]{0,40}?\b(expired|verlopen|"
        r"vervallen|afgelopen|ran out|run out|runs out|lapsed|expires|verloopt|verliep)\b",
        r"\b(expired|verlopen|vervallen|lapsed) (licen[cs]e|licentie|key|sleutel)\b",
        # the customer moving their own licence to another plan ("how do i go from the 1 site
        # plan to the 5 site plan"); moving *members* between plans is a product question
        r"\b(i|we|ik|wij)\b(\W+\w+){0,3}?\W+(go|move|switch|upgrade|change|overstappen|overgaan|"
        r"upgraden|wisselen|stap\w*) (over )?(from|to|van|naar) [\w -]{0,30}?\b(plan|licen[cs]e|"
        r"licentie|pakket|abonnement|tier)\b",
        r"\b(stap|ga)\w* (ik|we|wij) (over )?(van|naar) [\w -]{0,30}?\b(plan|licentie|pakket|"
        r"abonnement)\b",  # the Dutch question's order: "hoe stap ik over van ... naar"
        # a licence of ours changed, in any word order or in the passive ("kan de licentie en
        # het account daarop overgezet worden?", "our licence was renewed twice")
        r"\b(licen[cs]es?|licenties?)\b[^.?!]{0,40}?\b(opgezegd|geannuleerd|stopgezet|verlengd|"
        r"geupgraded|uitgebreid|overgezet|omgezet|overgedragen|cancell?ed|renewed|upgraded|"
        r"transferred)\b",
        # from one licence of ours to another, the verb left out ("kunnen we van de licentie
        # voor 1 site naar de agency licentie?")
        r"\b(from|van) (the |a |my |our |de |het |mijn |onze |ons )?[\w -]{0,30}?\b(licen[cs]e|"
        r"licentie)\b[^.?!]{0,20}?\b(to|naar) (the |a |de |het |een )?[\w -]{0,30}?\b(licen[cs]e|"
        r"licentie)\b",
    ),
    # asking us to do work (build, change, design, set up), or work others did on our code
    "customization": (
        r"\b(can|could|would|will|possible for) (you|u|your (team|developers?|devs?|programmers?|"
        r"engineers?|staff|people)|one of you|someone (from|at|of) your( team| company)?)"
        r"( guys| please)?\b(?! (please )?(tell|explain|show|help|point|"
        r"advise|confirm|check|let|send|give))[^?.!]{0,80}?\b(build|develop|code|program|create|"
        r"make|design|add|write|set ?up|configure|customi[sz]e|modify|change|adapt|integrate|"
        r"implement|extend|recreate|style)\b",
        # "je" is often anyone ("kan je op het formulier vaste bedragen zetten?" asks how): it
        # addresses us only with work for the customer in the clause ("voor ons", "onze site")
        r"\b((kunnen|kun|kan|willen|wil|zouden|zou) (jullie|u|iemand van jullie)|(kunnen|kun|kan|"
        r"willen|wil|zouden|zou) je(?=[^?.!]{0,120}\b(ons|onze|mijn|m'n|me|mij)\b))\b(?! (me|mij|"
        r"ons) (uitleggen|vertellen|laten zien|helpen))[^?.!]{0,80}?\b(aanpassen|bouwen|maken|"
        r"toevoegen|programmeren|ontwikkelen|wijzigen|ontwerpen|inrichten|instellen|configureren|"
        r"koppelen|nabouwen|stylen|ombouwen|zetten|plaatsen|inbouwen|schrijven|opzetten)\b",
        r"\b(maatwerk|op maat|custom (development|work|feature|code|version|report|"
        r"integration)|feature request|tegen betaling|(we|i)('ll| will) pay|just for (us|me)|"
        r"speciaal voor (ons|mij)|offerte|a quote for|"
        r"(aangepaste|gewijzigde) (versie|code|bestanden) van (jullie|uw|de) (plugin|thema)|"
        r"(changed|modified|edited|altered|hacked|aangepast|gewijzigd|veranderd) (the |de |your |"
        r"jullie |its |the plugin'?s |the theme'?s )?(code|source|files|bestanden|php)\b|"
        r"(ik|we) (heb|hebben) (de|in de) (code|bestanden|plugin|template)\b[^?.!]{0,30}?"
        r"(aangepast|gewijzigd)|(i|we) (edited|modified|changed) the (code|files?|plugin|theme|"
        r"template))\b",
        # someone the customer hired changed our code: "our web agency patched X's checkout
        # code", "ons webbureau heeft header.php aangepast" (within one sentence; "header.php"
        # is not a sentence end)
        r"\b(ontwikkelaar|developers?|devs?|webbouwer|programmeur|programmer|(web)?designer|"
        r"\w*bureau|agency|freelancer|contractor|consultant|webmaster)\b"
        r"(?:(?![.?!;](?:\s|$)).){0,60}?\b(aangepast|gewijzigd|veranderd|herschreven|gepatcht|"
        r"toegevoegd|changed|modified|edited|altered|patched|rewrote|rewritten|hacked|tweaked|"
        r"customi[sz]ed|gerommeld|geknutseld|gesleuteld|(zitten|gaan) (te )?(knutselen|rommelen|"
        r"sleutelen|prutsen|aanpassen|wijzigen|veranderen))\b",
    ),
}

WORDPRESS_CUES: tuple[str, ...] = (
    _B + r"(wordpress|wp)( core)? (update(n)?|installeren|installatie|install(ation)?|upgrade(n)?|"
    r"bijwerken|versie|version|multisite|dashboard|admin|login|inloggen|auto-?updates?)" + _E,
    _B + r"(wp-admin|wp-login|wp-config|htaccess|permalinks?|phpmyadmin|ftp|sftp|cpanel|"
    r"plesk|hosting|hostingpartij|hoster|webhost|domeinnaam|domain name|dns|nameservers?)" + _E,
    _B + r"(gutenberg|blok-?editor|block editor|site editor|full site editing|widgets?|"
    r"menu'?s?|media ?(library|bibliotheek)|mediabibliotheek|reacties|comments|"
    r"gebruikersrollen|user roles|rss|sitemap|favicon|site ?icon|navigation menu|"
    r"categorie(en)?|categories|berichten|posts|pagina'?s|pages)" + _E,
    _B + r"(upload(limiet| limit| size)|max(imum|imale)? upload|memory[ _]limit|geheugenlimiet|"
    r"max_execution_time|php\.ini|wp[ -]cron|cronjob|permalink|trailing slash)" + _E,
    _B + r"(wit(te)? scherm|white screen|kritieke fout|critical error|"
    r"technische problemen|technical difficulties)" + _E,
)

# "WordPress-site", "wordpress-dashboard": a hyphenated compound still mentions WordPress.
WORDPRESS_MENTION = _B + r"(wordpress|wp|wordpress\.org|woordpress|wordpres)(?![\w])"

PROBLEM_CUES: tuple[str, ...] = (
    r"\b(werkt (het )?niet|doet (het )?niet|doet (het )?niks|doet raar|kapot(te)?|stuk|"
    r"fout(melding|code|en)?|errors?|crash(t|es|ed)?|loopt vast|vastlopen|hangt|bugs?|probleem|"
    r"problemen|issues?|lukt niet|gaat (het )?(mis|fout)|niet meer|niet (goed|correct|juist)|"
    r"verdwenen|verdwijnt|broken|breaks|breaking|broke|not working|(does|do)(n'?t| not) work|"
    r"stopped working|won'?t|"
    r"can'?t|cannot|fails?|failed|failing|problems?|wrong|missing|disappeared|blank|"
    r"fatal|warnings?|exceptions?|not (showing|sending|loading|saving|arriving|displaying|"
    r"received|updating)|no longer|dubbele?|twice|double|duplicate|traag|trage|slow|leeg|lege|"
    r"empty|komt niet|komen niet|kwam niet|krijg (ik )?(geen|niets|niks)|"
    r"ontvang(t|en)? (geen|niets)|"
    r"zie (ik )?(geen|niets|niks)|geen .{1,30} (meer|binnen|aan|verstuurd)|nooit|never|"
    r"anymore|any more|geen .{1,40} meer|wit(te)? (scherm|pagina)|white (screen|page)|"
    r"blank (screen|page)|leeg scherm|lege pagina|foutmelding|error \d{3}|\d{3} error)\b",
    # negated or broken actions: "doesn't send", "won't load", "wordt niet verstuurd"
    r"\b(doesn'?t|does not|don'?t|do not|didn'?t|did not|isn'?t|is not|aren'?t|are not|"
    r"wasn'?t|weren'?t|won'?t|will not|can'?t|cannot|couldn'?t|stopped|keeps?|kept|refuses?)"
    r" (\w+ ){0,3}?(send|sending|sent|work|working|load|loading|show|showing|save|saving|appear|"
    r"arrive|sync|syncing|display|open|connect|import|export|update|receive|accept|activate|"
    r"crash|crashing|fail|failing|get|gets|getting|give|gives|go|going|run|running)\b",
    r"\b(wordt|worden|werd|werden|komt|komen|kwam|gaat|gaan|kan|kunnen|lukt|verschijnt|verschijnen)"
    r" (\w+ ){0,4}?(niet|geen|nooit)\b",
    # gone: "the header is gone", "is de header op alle pagina's weg" (not "onderweg")
    r"\b(is|are|was|were|has|have) (\w+ ){0,2}?gone\b|"
    r"\b(is|zijn|was|waren) (\S+ ){0,6}?weg(?= *(?:[.,;:!?]|$| (?:en|maar|sinds|na|nadat)\b))",
    r"\bniet (meer )?(verstuurd|verzonden|opgeslagen|geladen|getoond|zichtbaar|ontvangen|"
    r"gesynchroniseerd|aangemaakt|bijgewerkt|geactiveerd|gevonden|gekoppeld)\b",
    # a change the trouble is dated from: "since their update the button sits on top of ..."
    r"\b(since|sinds|sedert) (\w+ ){0,3}?(update|updates|upgrade|updating|upgrading)\b",
    # asking the cause of what was just described: "Wat kan dit zijn?", "Any ideas?"
    r"\b(wat kan (dit|dat|het) zijn|hoe kan (dit|dat)|wat (is|gaat) (hier )?(er )?(mis|"
    r"aan de hand)|what could (this|that|it) be|what (is|'s) (going on|happening)|"
    r"why (is|does) (this|that) happen\w*|any (ideas|idea|clue|thoughts)|enig idee|"
    r"iemand een idee)\b(?= *(?:[?.!]|$))",
)

QUESTION_CUES: tuple[str, ...] = (
    # "when" asks only with its verb right after it ("when does ...", "wanneer komt ..."); with
    # a subject it opens a condition ("when wpml is on, ...", "wanneer ik opsla, ...")
    r"^(when (do|does|did|is|are|was|were|will|can|could|should|would)|wanneer (?!(ik|je|jij|"
    r"we|wij|u|jullie|hij|zij|ze|het|de|een|er|mijn|onze|ons|iemand|die|dat|dit)\b)|"
    r"hoe|how|waar|where|wat|what|welke|which|waarom|why|kan ik|can i|kun(t|nen)? "
    r"(ik|je|u|jullie)|could|is (het|it|er|there) (mogelijk|possible)|is there|do you|does|"
    r"is het|heb(ben)? jullie|have you|mag ik|may i|moet ik|should i|do i)\b",
    r"\?(\s|$)",  # a question mark ending a sentence, also above a sign-off ("... zijn?\n\nGroet")
    # a question opening a later clause or line ("hi, we have 80 stores, how do i get them in
    # without typing each one"): a question word before its verb and subject, not "what
    # happens is" or "wat ik ook probeer"; Dutch yes/no questions only after a full stop or a
    # new line ("sinds de update, kan ik niet meer inloggen" is a statement)
    r"[.,;:!?\n] *((how|where|what|which|why|when)(['’]s| (do|does|did|can|could|should|"
    r"would|will|is|are|to))|(hoe|waar|wat|welke|waarom|wanneer) \w+ (ik|je|jij|we|wij|u|jullie)|"
    r"(can|could|do|should|may) (i|we|you)|is (there|it possible))\b",
    r"[.!?\n] *(kan|kun|kunt|kunnen|mag|moet|heb|hebben) (ik|je|jij|we|wij|u|jullie)\b",
    # a sentence opening with its verb, then a subject, asks yes or no ("kunnen sollicitanten
    # ook een cv uploaden", "can smulkaart take over my recipes", "werkt het ook met ..."); not
    # a statement without its subject ("kan niet inloggen", "is broken since the update",
    # "heb de plugin bijgewerkt", "will try that tomorrow", "did the update") nor one with a
    # negation ("kan de pagina niet vinden")
    r"(^|[.!?\n] *)((kan|kun|kunt|kunnen|mag|mogen|moet|moeten|zou|zouden|wil|willen) "
    r"(?!(niet|geen|nooit|nergens|niks|niets|meer|maar|ook niet|gewoon|al|nog)\b)|"
    r"(werkt|ondersteunt|heeft|geeft|bestaat|zit|staat|komt|gaat|zijn) (het|de|dit|dat|er|u|je|"
    r"jullie|mijn|onze|ons)\b|"
    r"(can|could|should|may|might|do) (?!(not|never|no)\b)|"
    r"(is|are) (the|this|that|there|it|my|our|your|a|an|any|all|these|those)\b)"
    r"(?![^.!?\n]*\b(niet|geen|nooit|nergens|niks|niets|not|never|n't)\b)",
)

_compiled: dict[str, list[re.Pattern[str]]] = {}


def patterns(name: str, sources: tuple[str, ...]) -> list[re.Pattern[str]]:
    """Compile once per group; the lexicon is static."""
    if name not in _compiled:
        _compiled[name] = [re.compile(source) for source in sources]
    return _compiled[name]


def matches(name: str, sources: tuple[str, ...], folded: str) -> int:
    return sum(1 for pattern in patterns(name, sources) for _ in pattern.finditer(folded))
