"""The support policy's answers (third-party products, WordPress itself, customisation,
billing, contact channels), and what every reply is built with; ``Replies`` adds the rest."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.dialogue.markup import markdown_escape, render
from bot.core.dialogue.turn import BotMessage, Link
from bot.core.knowledge.models import KnowledgeBase
from bot.core.ports import Translator


class PolicyReplies:
    """The policy's sentences in the conversation's language (through gettext)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        translator: Translator,
        channel: str = "widget",
        language: str | None = None,
    ) -> None:
        self.kb = kb
        self.policy = kb.policy
        self.t = translator
        self.email = channel == "email"
        self.language = language or kb.policy.default_language  # for dates and numbers

    def _(self, message: str) -> str:
        return self.t.gettext(message)

    def message(
        self, markdown_text: str, quick: Sequence[str] = (), links: Sequence[Link] = ()
    ) -> BotMessage:
        return BotMessage(markdown_text, render(markdown_text), tuple(quick), tuple(links))

    # -- the support policy's routes ---------------------------------------------------------
    def third_party(self, names: Sequence[str]) -> BotMessage:
        listed = ", ".join(markdown_escape(name) for name in names) or self._("another product")
        text = self._(
            "%(names)s is not one of our products. We do our best to help with problems that "
            "involve other plugins or themes, but we cannot take responsibility for them or "
            "guarantee a solution."
        ) % {"names": listed}
        return self.message(text)

    def wordpress_general(self) -> BotMessage:
        url = self.policy.wordpress_forum_url
        text = self._(
            "This is a general WordPress question. We only support our own products, but the "
            "volunteers on the WordPress.org support forums can help you: %(url)s"
        ) % {"url": url}
        return self.message(text, (), (Link(self._("WordPress.org support forums"), url),))

    def core_error(self) -> BotMessage:
        url = self.policy.wordpress_forum_url
        text = self._(
            "This error comes from WordPress itself and does not point at a particular plugin or "
            "theme (for example, PHP ran out of memory). Your host can raise the PHP memory limit, "
            "and the WordPress.org support forums can help further: %(url)s. If it only happens "
            "with one of our products active, tell me which one."
        ) % {"url": url}
        return self.message(text, (), (Link(self._("WordPress.org support forums"), url),))

    def customization(self) -> BotMessage:
        return self.message(
            self._(
                'Our products are delivered "as is": we do not customise them or adapt them to '
                "other products unless we have agreed so in writing, and we cannot support changes "
                "made by others. We will still do our best to help, without guarantees. To discuss "
                "a written agreement, mail %(helpdesk)s."
            )
            % {"helpdesk": self.policy.helpdesk_email}
        )

    def billing(self) -> BotMessage:
        return self.message(
            self._(
                "Questions about invoices, payments, refunds, your account or your subscription "
                "are "
                "handled by our billing department. Please mail them at %(billing)s."
            )
            % {"billing": self.policy.billing_email}
        )

    def channels(self) -> BotMessage:
        return self.message(
            self._(
                "We provide support only through our helpdesk, by email at %(helpdesk)s: not by "
                "phone, live chat, Facebook or Twitter. This chat is the front door of the "
                "helpdesk: "
                "if needed I pass your question on, and a colleague answers by email."
            )
            % {"helpdesk": self.policy.helpdesk_email}
        )
