"""Words that say nothing about which FAQ entry is meant, per language (folded forms).

Function words, and the greetings and politeness customers wrap a question in. Negations,
question words and modal verbs stay out on purpose: "werkt niet", "wie" and "need" carry
meaning (measured: dropping them lowers top-1 on both our paraphrases and VIRA).
"""

from __future__ import annotations

DUTCH = frozenset(
    """
    aan al alle alleen als alsjeblieft alstublieft alvast ben ben bent bij bijvoorbeeld dag dan
    dank danke dankjewel dankuwel dat de deze die dit doe doen doet door du dus een eens elkaar
    en enig enige er erg even ge geen gegroet graag groet groeten groetjes ha had hadden hallo
    hartelijk heb hebben hebt heeft hem hen het hey hi hier hij hoi hun iemand iets ik in is
    ja je jij jou jouw jullie kan kun kunnen kunt maar me mee men met mevrouw mij mijn mvg
    meneer na naar nee nog nu of om ons onze ook op over prima s t te tegen toch toe tot u uit
    uw van veel vgl voor vriendelijke waren was wat we wel welke werd wij wil wilde wilt
    word worden wordt z ze zeer zich zij zijn zo zou zouden
    mn zn
    """.split()
)

ENGLISH = frozenset(
    """
    a about afternoon all also am an and any are as at be been being best but by can cheers
    could d dear did do does doing good hello hey hi i if im in into is it its i'm i've
    ive just kind kindly let ll me morning my of on or our please re regards s sir so some
    t thank thanks the their them then there these they this those to too us ve very was we
    were will with would you your yours
    """.split()
)

BY_LANGUAGE = {"nl": DUTCH, "en": ENGLISH}
ALL = DUTCH | ENGLISH


def is_stop_word(word: str) -> bool:
    """True for a folded word that is a stop word in either language (queries mix them)."""
    return word in ALL
