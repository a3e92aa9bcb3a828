"""The sentences the email channel itself adds to mail, through gettext (``translations/``)."""

from __future__ import annotations

from collections.abc import Mapping

from babel.support import NullTranslations

from bot.core.ports import Translator


class MailTexts:
    """One language's wording for disclosure lines, the reply marker and sender names."""

    def __init__(self, translator: Translator, company: str) -> None:
        self.t = translator
        self.company = company

    @classmethod
    def for_language(
        cls, translations: Mapping[str, Translator], language: str, default: str, company: str
    ) -> MailTexts:
        translator = translations.get(language) or translations.get(default)
        if translator is None:
            translator = NullTranslations()
        return cls(translator, company)

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def reply_marker(self) -> str:
        return self._("Please type your reply above this line")

    def disclosure(self) -> str:
        return self._("This is an automated reply from the %(company)s support assistant.") % {
            "company": self.company
        }

    def continue_hint(self) -> str:
        return self._(
            "Reply to this email to continue. A colleague from our support team takes over "
            "when needed."
        )

    def privacy_notice(self, url: str) -> str:
        return self._("How we handle your data: %(url)s") % {"url": url}

    def no_new_text(self) -> str:
        return self._(
            "We received your email, but found no new question in it: only quoted earlier "
            "messages or attachments. Could you write your question in the email itself, above "
            "any quoted text? Anything you attached is kept for our support team."
        )

    def links_heading(self) -> str:
        return self._("More information:")

    def bot_sender_name(self) -> str:
        return self._("%(company)s Support") % {"company": self.company}

    def staff_sender_name(self, staff_name: str) -> str:
        return self._("%(name)s (%(company)s Support)") % {
            "name": staff_name,
            "company": self.company,
        }

    def staff_signature(self, staff_name: str) -> str:
        return self._("Kind regards,\n%(name)s\n%(company)s Support") % {
            "name": staff_name,
            "company": self.company,
        }

    def default_subject(self) -> str:
        return self._("Your question to %(company)s") % {"company": self.company}
