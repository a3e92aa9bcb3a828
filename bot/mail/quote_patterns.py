"""Language data for quote detection: reply headers, header blocks, separators, HTML markers.

Patterns are tried against at most three joined lines (a header wrapped by the client) and
never against long lines, so a hostile message cannot make them slow.
"""

from __future__ import annotations

import re

# "On <date>, <name> wrote:" and its translations; the first line must hold a digit (a date).
# One alternation: a line is tried once by the regex engine, not once per language.
REPLY_HEADER = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            r"^on\s.{4,300}wrote\s*:?$",  # en (Gmail may glue "wrote" to the address)
            r"^op\s.{4,300}\b(?:schreef|geschreven)\b.{0,200}:$",  # nl
            r"^am\s.{4,300}\b(?:schrieb|geschrieben)\b.{0,200}:$",  # de
            r"^le\s.{4,300}\ba\s+[ée]crit\s*:$",  # fr
            r"^el\s.{4,300}\bescribi[óo]\s*:$",  # es
            r"^il\s.{4,300}\bha\s+scritto\s*:$",  # it
            r"^em\s.{4,300}\bescreveu\s*:$",  # pt
            r"^.{4,300}\bskrev\b.{0,200}:$",  # da, no, sv
            r"^dnia\s.{4,300}\bnapisa[łl].{0,10}:$",  # pl
        )
    ),
    re.IGNORECASE,
)

# A line ending in ":" right above ">"-quoted lines is an attribution in any language when it
# names an address or a time ("26.06.2014, 14:41, "Alexander L" <abc@example.com>:").
ATTRIBUTION_HINT = re.compile(r"@|\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b")
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DATE_OR_TIME = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
)

_FIELD_NAMES = {
    "from": "from van von de fra från od da от lähettäjä feladó odesílatel remitente",
    "date": "sent date datum verzonden verstuurd gesendet envoyé enviado sendt skickat wysłano"
    " data отправлено дата lähetetty envoyé_le message_du inviato gönderildi odesláno küldve",
    "to": "to aan an à a para til till do кому vastaanottaja címzett komu per",
    "subject": "subject onderwerp betreff objet asunto oggetto emne ämne temat тема aihe sujet"
    " tárgy předmět assunto",
    "cc": "cc kopie copie copie_à kopia",
}
FIELD_KIND = {
    name.replace("_", " "): kind for kind, names in _FIELD_NAMES.items() for name in names.split()
}
# "*From:* Kim [mailto:...]", "From: bob", "Von: Anna" (Outlook bolds the names in plain text)
HEADER_FIELD = re.compile(
    r"^\s*\**\s*("
    + "|".join(sorted(map(re.escape, FIELD_KIND), key=len, reverse=True))
    + r")\s*:\**(?:\s|$|(?!//)(?=\S))",
    re.IGNORECASE,
)

SEPARATOR = re.compile(
    r"^\s*[-_=*]{2,}\s*(?:original message|oorspronkelijk bericht|origineel bericht"
    r"|oorspronkelijk e-mailbericht|ursprüngliche nachricht|original-?nachricht"
    r"|message d'origine|message original|mensaje original|messaggio originale"
    r"|mensagem original|oprindelig meddelelse|oprindelig besked|ursprungligt meddelande"
    r"|opprinnelig melding|alkuperäinen viesti|wiadomość oryginalna|původní zpráva"
    r"|исходное сообщение|原始邮件)\s*[-_=*]{2,}\s*$",
    re.IGNORECASE,
)

# A forwarded message is content the customer sends us, not history to strip.
FORWARD = re.compile(
    r"^\s*(?:[-_=*]{2,}\s*)?(?:forwarded message|begin forwarded message|doorgestuurd bericht"
    r"|begin doorgestuurd bericht|weitergeleitete nachricht|anfang der weitergeleiteten nachricht"
    r"|message transféré|mensaje reenviado|messaggio inoltrato|videresendt meddelelse"
    r"|vidarebefordrat meddelande)\s*:?\s*(?:[-_=*]{2,})?\s*$",
    re.IGNORECASE,
)

# Our own marker at the top of every mail we send (compose.reply_marker_line writes it).
REPLY_MARKER = re.compile(r"##-.{0,200}-##")

SEPARATOR_ONLY = re.compile(r"^[\s\-_=*~>]*$")

_HTML_QUOTE_CLASSES = set(
    "gmail_quote gmail_quote_container moz-cite-prefix protonmail_quote yahoo_quoted"
    " zmail_extra outlookmessageheader supportbot-reply-marker".split()
)
_HTML_QUOTE_IDS = set(
    "divrplyfwdmsg appendonsend olk_src_body_section stopspelling zwchr outlookmessageheader"
    " mail-editor-reference-message-container".split()
)


def is_html_quote_start(tag: str, attrs: dict[str, str]) -> bool:
    """True for the element where a mail client starts the quoted original."""
    if tag == "blockquote" and attrs.get("type", "").lower() == "cite":
        return True
    ident = attrs.get("id", "").lower()
    if ident in _HTML_QUOTE_IDS or ident.startswith("yahoo_quoted"):
        return True
    if _HTML_QUOTE_CLASSES.intersection(attrs.get("class", "").lower().split()):
        return True
    if attrs.get("data-marker", "") == "__QUOTED_TEXT__":  # Zimbra
        return True
    style = attrs.get("style", "").lower().replace(" ", "")
    # Outlook separates the quoted header block with a top border and nothing else.
    return tag == "div" and ("border-top:solid" in style or "border-top-style:solid" in style)
