"""Automatic mail recognised by what it says when no header gives it away.

Out-of-office subjects in the EU languages (plus Russian, Ukrainian, Turkish, Japanese,
Chinese, Korean), "auto generated" subjects, read receipts, challenge/response requests and
delivery or abuse reports that come without the report structure. Subject phrases must open
the subject (after reply prefixes and a bracketed tag), so a customer writing *about* auto
replies ("Auto reply not sent by my contact form") is still answered.
"""

from __future__ import annotations

import re

from bot.channels.email.message import InboundMail

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
    r"(?:\s*$|\s*[:：\-–(\[!,.]|\s+(?:re|aw|until|till|from|tot|bis|jusqu)\b)",
    re.IGNORECASE,
)
# "[AUTO GENERATED]", "Automated message", "Automatically generated" ...
_GENERATED_SUBJECT = re.compile(
    r"^\s*[\[(]?\s*(?:auto(?:matically)?[-\s]?generated|automated (?:message|notification|e-?mail)"
    r"|this is an automated|do not reply|system notification|automatische (?:nachricht|melding))",
    re.IGNORECASE,
)
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
_CHALLENGE = re.compile(
    r"(?:verify|confirm|approve)[\s\S]{0,60}(?:you are (?:a )?(?:human|real person|not a (?:robot|spammer)))"
    r"|(?:whitelist|white-list|approved senders? list|sender verification|challenge[- ]response)"
    r"[\s\S]{0,300}(?:click|reply|confirm|verify)"
    r"|(?:click|reply|confirm)[\s\S]{0,200}(?:to be added to|so that your (?:message|e-?mail) (?:is|will be) delivered)",
    re.IGNORECASE,
)
_CHALLENGE_SUBJECT = re.compile(
    r"verif|confirm|approv|challenge|whitelist|white-list|spam ?(?:protection|arrest)|please authenticate",
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
    """ "Please confirm you are human" requests; also any mail sent from the address it is sent to."""
    sender = mail.from_addr.casefold()
    if sender and sender in {a.casefold() for a in mail.to}:
        body = mail.text[:4000]
        if _CHALLENGE.search(body) or _CHALLENGE_SUBJECT.search(mail.subject):
            return "challenge_response", mail.from_addr
    if _CHALLENGE_SUBJECT.search(mail.subject) and _CHALLENGE.search(mail.text[:4000]):
        return "challenge_response", mail.subject
    return None
