"""The standard WordPress conflict test, one step at a time in chat and all at once by email."""

from __future__ import annotations

from bot.core.dialogue.markup import markdown_escape
from bot.core.dialogue.replies import HEALTH_CHECK_URL, Replies
from bot.core.dialogue.turn import BotMessage, Link

STEPS = 2  # 1: other plugins off, 2: default theme


class ConflictTest:
    def __init__(self, replies: Replies) -> None:
        self.r = replies
        self._ = replies._

    def buttons(self) -> tuple[str, ...]:
        return (
            self._("The problem is gone"),
            self._("The problem is still there"),
            self._("I'd rather not"),
        )

    def intro(self) -> str:
        return self._(
            "Problems like this are often caused by a conflict with another plugin or the theme. "
            "Let's find out with a conflict test. On a live site, the Health Check & "
            "Troubleshooting plugin's troubleshooting mode does this only for you, so visitors "
            "notice nothing."
        )

    def step_text(self, step: int, product_name: str) -> str:
        if step == 1:
            return self._(
                "Deactivate all plugins except %(product)s (and plugins it needs, such as "
                "WooCommerce), then check whether the problem still occurs."
            ) % {"product": product_name}
        return self._(
            "Switch temporarily to a default theme such as Twenty Twenty-Five, then check whether "
            "the problem still occurs."
        )

    def first_step(self, product_name: str) -> BotMessage:
        link = Link("Health Check & Troubleshooting", HEALTH_CHECK_URL)
        if self.r.email:
            steps = "\n".join(
                f"{n}. {self.step_text(n, product_name)}" for n in range(1, STEPS + 1)
            )
            closing = self._(
                "Then re-activate the plugins (and the theme) one at a time, checking each time, "
                "and reply with what you found."
            )
            return self.r.message(f"{self.intro()}\n\n{steps}\n3. {closing}", (), (link,))
        text = f"{self.intro()}\n\n{self._('Step 1:')} {self.step_text(1, product_name)}"
        return self.r.message(text, self.buttons(), (link,))

    def next_step(self, step: int, product_name: str) -> BotMessage:
        text = self._("Step %(n)d:") % {"n": step} + " " + self.step_text(step, product_name)
        return self.r.message(text, self.buttons())

    def culprit_named(self, names: list[str], product_name: str) -> BotMessage:
        listed = ", ".join(markdown_escape(name) for name in names)
        text = self._(
            "Thank you: so the problem comes from %(names)s. Its author can help best with it. "
            "We do our best with problems that involve other products, without guarantees: "
            "shall I pass it on to a colleague, to see whether %(product)s can work around it?"
        ) % {"names": listed, "product": product_name}
        return self.r.message(text, (self._("Yes, please"), self._("No, thanks")))

    def culprit_found(self, step: int) -> BotMessage:
        if step <= 1:
            text = self._(
                "Then another plugin causes it. Re-activate the plugins one at a time and check "
                "after each one: the plugin after which the problem returns is the culprit. Its "
                "author can help best; tell us which one it is if you want us to take a look."
            )
        else:
            text = self._(
                "Then your theme causes it. Please contact the theme's author; you can tell them "
                "the problem disappears with a default theme."
            )
        return self.r.message(text)
