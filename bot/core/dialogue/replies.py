"""Every sentence the bot says, in one place, through gettext (``translations/``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.dialogue.deadlines import format_due
from bot.core.dialogue.markup import markdown_escape
from bot.core.dialogue.policy_replies import PolicyReplies
from bot.core.dialogue.turn import BotMessage, Link
from bot.core.knowledge.models import Product
from bot.core.knowledge.versions import is_older

HEALTH_CHECK_URL = "https://wordpress.org/plugins/health-check/"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is used."""
    return message


class Replies(PolicyReplies):
    """Builds bot messages in the conversation's language."""

    # -- small talk -------------------------------------------------------------------------
    def greeting(self) -> BotMessage:
        return self.message(
            self._(
                "Hello! I'm the %(company)s support assistant. Ask me anything about our plugins "
                "and themes: I'll look in our FAQ first and bring in a colleague when needed."
            )
            % {"company": self.policy.company}
        )

    def thanks(self) -> BotMessage:
        return self.message(self._("You're welcome! Is there anything else I can help you with?"))

    def goodbye(self) -> BotMessage:
        return self.message(self._("Goodbye, and good luck with your website!"))

    def glad_it_helped(self) -> BotMessage:
        return self.message(self._("Great, I'm glad that helped! Anything else?"))

    # -- FAQ --------------------------------------------------------------------------------
    def feedback_buttons(self) -> tuple[str, str]:
        return (self._("Yes, thanks"), self._("No, that didn't help"))

    def faq_answer(self, answer: str, url: str | None = None) -> BotMessage:
        if self.email:
            return self.message(answer)
        links = (Link(self._("Read more"), url),) if url else ()
        return self.message(answer, (), links)

    def article_in_other_language(self, language: str) -> BotMessage:
        """Said before an FAQ article that exists only in another language."""
        names = {"en": self._("English"), "nl": self._("Dutch")}
        return self.message(
            self._("This article is only available in %(language)s:")
            % {"language": names.get(language, language)}
        )

    def did_it_help(self) -> BotMessage:
        return self.message(self._("Did this answer your question?"), self.feedback_buttons())

    def suggestions(self, questions: Sequence[str]) -> BotMessage:
        text = self._("I found some FAQ articles that may answer your question. Which one fits?")
        return self.message(text, (*questions, self._("None of these")))

    def no_faq_answer(self) -> BotMessage:
        return self.message(
            self._(
                "I couldn't find an answer to that in our FAQ. Shall I pass your question on to "
                "our support team?"
            ),
            (self._("Yes, please"), self._("No, thanks")),
        )

    def fallback(self) -> BotMessage:
        return self.message(
            self._(
                "I'm not sure I understand. Could you rephrase your question, or tell me which "
                "product it is about? I can also pass it on to our support team."
            ),
            (self._("Talk to a person"),),
        )

    # -- slots ------------------------------------------------------------------------------
    def ask_product(self) -> BotMessage:
        names = [product.name for product in self.kb.products.values()]
        return self.message(
            self._("Which of our products is this about?"), (*names, self._("Another product"))
        )

    def ask_version(self, product: Product) -> BotMessage:
        return self.message(
            self._("Which version of %(product)s are you using?") % {"product": product.name}
            + " "
            + self.where_is_version(product)
        )

    def where_is_version(self, product: Product) -> str:
        if product.kind == "theme":
            return self._("You can see it under Appearance → Themes → Theme Details.")
        return self._("You can see it under Plugins → Installed Plugins, below the plugin's name.")

    def ask_email(self) -> BotMessage:
        return self.message(
            self._(
                "Our support team answers by email, so this conversation can continue even when "
                "you close this page. Which email address can we reach you at?"
            )
        )

    def invalid_email(self) -> BotMessage:
        return self.message(
            self._("That doesn't look like an email address. Could you check it and send it again?")
        )

    def email_needed(self) -> BotMessage:
        return self.message(
            self._(
                "Without an email address our team cannot answer you once you leave this page. "
                "You can also mail us directly at %(helpdesk)s."
            )
            % {"helpdesk": self.policy.helpdesk_email}
        )

    def details_checklist(self, missing: Sequence[str]) -> str:
        labels = {
            "product": self._("which of our products it is about"),
            "version": self._("the version of the product you are using"),
            "wp_version": self._("your WordPress version"),
            "php_version": self._("your PHP version"),
            "details": self._(
                "what happens, what you expected instead, and the steps to make it happen"
            ),
            "error_text": self._("any error message you see (the exact text)"),
        }
        return "\n".join(f"- {labels[item]}" for item in missing if item in labels)

    def site_health_tip(self) -> str:
        return self._(
            'Tip: in WordPress, go to Tools → Site Health → Info and click "Copy site info to '
            'clipboard", then paste it here: that tells us all versions at once.'
        )

    def ask_details(
        self, product: Product | None, version: str | None, missing: Sequence[str]
    ) -> BotMessage:
        intro = self._("To pass this on to our support team, please tell me:")
        latest = product.latest_version if product else None
        if product and version and latest and is_older(latest, version):
            intro = self._(
                "Thanks. %(product)s has no version %(version)s (the latest is %(latest)s): "
                "please check the number too. To pass this on to our support team, please tell me:"
            ) % {"product": product.name, "version": version, "latest": latest}
        elif product and version:
            intro = self._(
                "Thanks: %(product)s %(version)s is the latest version. To pass this on to our "
                "support team, please tell me:"
            ) % {"product": product.name, "version": version}
        return self.message(
            f"{intro}\n\n{self.details_checklist(missing)}\n\n{self.site_health_tip()}"
        )

    def ask_everything(self, missing: Sequence[str]) -> BotMessage:
        """Email is slow: one message that asks for everything still missing."""
        intro = self._(
            "Thank you for your message. To help you quickly, please reply with the following "
            "details:"
        )
        return self.message(
            f"{intro}\n\n{self.details_checklist(missing)}\n\n{self.site_health_tip()}"
        )

    def site_health_read(
        self, wp: str | None, php: str | None, plugins: int, ours: str | None
    ) -> BotMessage:
        """Only what the paste really showed: partial pastes are common."""
        parts = []
        if wp:
            parts.append(self._("WordPress %(version)s") % {"version": wp})
        if php:
            parts.append(self._("PHP %(version)s") % {"version": php})
        if plugins:
            parts.append(
                self.t.ngettext("%(count)d active plugin", "%(count)d active plugins", plugins)
                % {"count": plugins}
            )
        text = self._("Thank you, I have read your Site Health information.")
        if parts:
            text += " " + self._("I see: %(facts)s.") % {"facts": ", ".join(parts)}
        if ours:
            text += " " + self._("Of our products, I see %(product)s.") % {"product": ours}
        return self.message(text)

    # -- policy routes ----------------------------------------------------------------------
    def update_required(self, product: Product, version: str, changes: str) -> BotMessage:
        text = self._(
            "You are using %(product)s %(version)s; the latest version is %(latest)s. We can only "
            "look into possible bugs on the latest version, so please update first. Make a backup, "
            "then go to Dashboard → Updates (or Plugins → Installed Plugins) and update "
            "%(product)s. Does the problem still occur after the update?"
        ) % {"product": product.name, "version": version, "latest": product.latest_version}
        if changes:
            text += "\n\n" + changes
        quick = () if self.email else (self._("Updated, still a problem"), self._("I can't update"))
        return self.message(text, quick)

    def cannot_update(self, product: Product) -> BotMessage:
        """Updating is not possible (the update does not show) or not allowed (a client's site):
        why the latest version matters, and how to get there or test on it."""
        text = self._(
            "We can only look into possible bugs on the latest version of %(product)s, "
            "%(latest)s. If the update does not show up, check that your licence key is activated "
            "and your subscription is active (old versions are supported until it expires; for "
            "renewals, mail %(billing)s). If you may not update this site, please try %(latest)s "
            "on a staging copy: if the problem is still there, tell me and I will take it further."
        )
        return self.message(
            text
            % {
                "product": product.name,
                "latest": product.latest_version,  # asked to update, so it has one
                "billing": self.policy.billing_email,
            }
        )

    def changelog_heading(self, count: int) -> str:
        return self.t.ngettext(
            "What changed in the update since your version:",
            "What changed in the %(count)d updates since your version:",
            count,
        ) % {"count": count}

    def likely_fix(self) -> str:
        return self._("This update may well fix your problem:")

    def subscription_expired(self, product: Product, expired_on: str) -> BotMessage:
        text = self._(
            "Your subscription for %(product)s expired on %(date)s. We support our products, "
            "including older versions, for as long as the subscription runs, so please renew it "
            "first. Questions about renewing go to %(billing)s."
        ) % {"product": product.name, "date": expired_on, "billing": self.policy.billing_email}
        links = (Link(self._("Renew your subscription"), self.policy.renewal_url),)
        return self.message(text, (), links if self.policy.renewal_url else ())

    def requirements(self, product: Product, component: str, have: str, need: str) -> str:
        return self._(
            "Note: %(product)s needs %(component)s %(need)s or later, and your site runs %(have)s."
        ) % {"product": product.name, "component": component, "need": need, "have": have}

    # -- tickets and hand-off ---------------------------------------------------------------
    def ticket_opened(
        self,
        number: str,
        due: datetime,
        email: str | None,
        *,
        time_zone: str = "",
        mail: bool = True,
    ) -> BotMessage:
        """``time_zone``: the customer's, if known; ``mail``: whether mail can go out now."""
        hours = self.policy.response_hours
        text = self.t.ngettext(
            "I have passed your question on to our support team as ticket %(ticket)s. We aim to "
            "answer within %(hours)d hour (before %(due)s); complex questions can take a little "
            "longer.",
            "I have passed your question on to our support team as ticket %(ticket)s. We aim to "
            "answer within %(hours)d hours (before %(due)s); complex questions can take a little "
            "longer.",
            hours,
        ) % {"ticket": number, "hours": hours, "due": self.format_due(due, time_zone)}
        if email and not self.email and mail:
            text += " " + self._("You will also receive our answer by email at %(email)s.") % {
                "email": markdown_escape(email)
            }
        elif not self.email:  # no mail goes out now: the chat is where the answer shows
            text += " " + self._(
                "Our answer will appear here in the chat, also when you come back to this page "
                "later."
            )
        return self.message(text)

    def format_due(self, due: datetime, time_zone: str = "") -> str:
        return format_due(due, self.language, time_zone, self.policy.time_zone)

    def handoff(self, ticket: str | None) -> BotMessage:
        if ticket:
            text = self._(
                "Thank you, I have added this to ticket %(ticket)s. A colleague will answer you."
            ) % {"ticket": ticket}
        else:
            text = self._("Thank you, a colleague will answer you.")
        return self.message(text)
