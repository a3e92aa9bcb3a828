"""Automatic mail recognised by what it says when no header gives it away.

Out-of-office subjects in the EU languages (plus Russian, Ukrainian, Turkish, Japanese,
Chinese, Korean), "auto generated" subjects, read receipts, challenge/response requests and
delivery or abuse reports that come without the report structure. Subject phrases must open
the subject (after reply prefixes and a bracketed tag), so a customer writing *about* auto
replies ("Auto reply not sent by my contact form") is still answered.
"""

from __future__ import annotations

import re

from bot.mail.message import InboundMail

Found = tuple[str, str] | None

# Phrases mail systems put at the start of an out-of-office subject, by language.
_OOO_PHRASES = """
auto|automatic reply|automatic response|auto reply|auto-reply|autoreply|auto response
|auto-response|autoresponse|autorespons|autoresponder|out of office|out of the office
|out-of-office|ooo|vacation reply|vacation|away from the office|away from my desk
|on vacation|on leave|holiday notice|absence notice|i am away|currently out of the office
|automatisch antwoord|automatisch bericht|automatische beantwoording|afwezig
|afwezigheidsmelding|afwezigheidsbericht|niet aanwezig|niet op kantoor|vakantie
|abwesenheitsnotiz|abwesenheit|abwesend|automatische antwort|nicht im büro|urlaub
|réponse automatique|réponse automatique d'absence|absence|absent|message d'absence
|notification d'absence|absent du bureau|en congé|en vacances
|risposta automatica|fuori sede|fuori ufficio|assenza|in ferie
|respuesta automática|respuesta automatica|fuera de la oficina|ausente|de vacaciones
|resposta automática|resposta automatica|ausência|fora do escritório|férias
|autosvar|automatisk svar|automatiskt svar|frånvaro|frånvarande|fravær|fraværende|ferie
|automaattinen vastaus|poissa|poissaolo|lomalla|automaatvastus|eemal|puhkusel
|automātiskā atbilde|automātiska atbilde|prombūtne|atvaļinājumā|nav birojā
|automatinis atsakymas|nesu biure|atostogose
|odpowiedź automatyczna|automatyczna odpowiedź|nieobecność|poza biurem|urlop
|automatická odpověď|nepřítomnost|mimo kancelář|dovolená
|automatická odpoveď|neprítomnosť|mimo kancelárie
|samodejni odgovor|odsotnost|automatski odgovor|odsutnost|odsutan|van ureda
|automatikus válasz|házon kívül|szabadság|távol
|răspuns automat|absență|în concediu|автоматичен отговор|отсъствие
|αυτόματη απάντηση|εκτός γραφείου|freagra uathoibríoch|tweġiba awtomatika
|автоматический ответ|автоответ|нет на месте|в отпуске|вне офиса|автоматична відповідь
|відсутність|otomatik yanıt|otomatik cevap|ofis dışında
|自動応答|自動返信|不在|自动回复|自動回覆|休假|자동 응답|부재중
""".replace("\n", "").split("|")
_PHRASES = sorted({p.strip() for p in _OOO_PHRASES if p.strip()}, key=len, reverse=True)
_PHRASE = "(?:" + "|".join(re.escape(p) for p in _PHRASES) + ")"
_PREFIXES = (
    r"(?:(?:re|aw|antw|sv|vs|fw|fwd|wg|odp|ynt|ha|vá|rif|r|回复|答复)\s*(?:\[\d+\])?\s*[:：]\s*)*"
)
_TAG = r"(?:\[[^\]]{0,60}\]\s*)?"
_OOO_SUBJECT = re.compile(
    r"^\s*" + _TAG + _PREFIXES + _TAG + _PHRASE + r"(?:\s+" + _PHRASE + r")*"
    r"(?:\s*$|\s*(?:[:：–(\[!,.]|-\s)|\s+(?:re|aw|until|till|from|tot|bis|jusqu)\b)",
    re.IGNORECASE,
)
# "[AUTO GENERATED]", "Automated message", "Loop alert" ...
_GENERATED_SUBJECT = re.compile(
    r"^\s*[\[(]?\s*(?:auto(?:matically)?[-\s]?generated|automated (?:message|notification"
    r"|e-?mail)|this is an automated|do not reply|system notification|automatische (?:nachricht"
    r"|melding))|\b(?:mail )?loop (?:alert|detected)\b",
    re.IGNORECASE,
)
# Delivery, abuse and virus reports written for people: the subject says what it is, and the
# reported message travels with it (attached, or its headers quoted in the text).
_REPORT_SUBJECT = re.compile(
    r"complaint|abuse report|spam report|feedback report|returned mail|undeliver|delivery"
    r" (?:status|fail|notification|problem)|failure notice|not delivered|virus|malware"
    r"|quarantin|blocked (?:message|mail|e-?mail)|message (?:blocked|rejected)|mail rejected",
    re.IGNORECASE,
)
_ORIGINAL_IN_TEXT = re.compile(
    r"^[ \t>]*(?:received: from|return-path: <|message-id: <)"
    r"|original message (?:follows|is attached)|(?:returned|rejected) message",
    re.IGNORECASE | re.MULTILINE,
)
_ORIGINAL_TYPES = ("message/rfc822", "text/rfc822-headers", "message/global", "message/partial")
# Read receipts (Outlook sends them as TNEF or text, without an MDN part).
_READ_RECEIPT = re.compile(
    r"^\s*(?:read|gelesen|gelezen|lu|leído|letto|lido|läst|læst|luettu|przeczytane|přečteno"
    r"|olvasva|citit|прочитано|прочитане|已读|開封済み)\s*[:：]\s*\S",
    re.IGNORECASE,
)
_NOT_READ = re.compile(
    r"^\s*(?:not read|nicht gelesen|niet gelezen|non lu|no leído)\s*[:：]", re.IGNORECASE
)
_RECEIPT_BODY = re.compile(
    r"(?:your message|ihre nachricht|uw bericht|votre message|il tuo messaggio|su mensaje)"
    r"[\s\S]{0,400}(?:was read|wurde[\s\S]{0,80}gelesen|is gelezen|a été lu|è stato letto"
    r"|ha sido leído)",
    re.IGNORECASE,
)
# Challenge/response systems ask the sender to prove they are human before delivering.
_CHALLENGE_LIST = re.compile(
    r"(?:white|allow(?:ed)?|approved|safe|trusted)[- ]?(?:senders? )?list|sender verification"
    r"|challenge[- ]response|(?:verify|prove|confirm) (?:that )?you are (?:a )?(?:human|real"
    r" person|not a (?:robot|spammer))|account is protected by",
    re.IGNORECASE,
)
_CHALLENGE_ACTION = re.compile(
    r"(?:click|reply|confirm|verify)[\s\S]{0,300}(?:deliver|added to|receive your)"
    r"|(?:deliver|added to)[\s\S]{0,300}(?:click|reply|confirm|verify)",
    re.IGNORECASE,
)
_CHALLENGE_SUBJECT = re.compile(
    r"verif|confirm|approv|challenge|whitelist|white-list|spam ?(?:protection|arrest)"
    r"|please authenticate",
    re.IGNORECASE,
)


def out_of_office_subject(mail: InboundMail) -> Found:
    if _OOO_SUBJECT.match(mail.subject):
        return "out_of_office", mail.subject
    return None


def generated_subject(mail: InboundMail) -> Found:
    if _GENERATED_SUBJECT.match(mail.subject):
        return "auto_generated_subject", mail.subject
    return None


def report_content(mail: InboundMail) -> Found:
    """A report about another message (complaint, returned mail, virus notice) sent by a person."""
    if not _REPORT_SUBJECT.search(mail.subject):
        return None
    attached = any(a.content_type in _ORIGINAL_TYPES for a in mail.attachments)
    if attached or _ORIGINAL_IN_TEXT.search(mail.text[:20_000]):
        return "report_content", mail.subject
    return None


def read_receipt(mail: InboundMail) -> Found:
    """An MDN without the MDN structure: a "Read:" subject with a TNEF part or receipt text."""
    if _NOT_READ.match(mail.subject):
        return "read_receipt", mail.subject
    if not _READ_RECEIPT.match(mail.subject):
        return None
    tnef = any(a.content_type == "application/ms-tnef" for a in mail.attachments)
    if tnef or _RECEIPT_BODY.search(mail.text[:3000]):
        return "read_receipt", mail.subject
    return None


def challenge_response(mail: InboundMail) -> Found:
    """A short "add me to your allowed list / confirm you are human" request.

    Sent from the protected address to itself it needs only the subject or the request; from
    elsewhere both the list wording and the call to action.
    """
    body = mail.text[:4000]
    if len(mail.text) > 6000:
        return None  # these requests are short; a long mail that mentions them is a person's
    listed = bool(_CHALLENGE_LIST.search(body))
    sender = mail.from_addr.casefold()
    to_itself = bool(sender) and sender in {a.casefold() for a in mail.to}
    if to_itself and (listed or _CHALLENGE_SUBJECT.search(mail.subject)):
        return "challenge_response", mail.from_addr
    if listed and _CHALLENGE_ACTION.search(body):
        return "challenge_response", mail.subject
    return None
