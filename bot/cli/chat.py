"""`supportbot chat`: talk to the engine in a terminal and see the route of every turn."""

from __future__ import annotations

import click

from bot.config import Config
from bot.helpdesk.posted_turn import PostedTurn


def render_turn(turn: PostedTurn) -> str:
    lines = [click.style(f"[{turn.route}]", fg="cyan")]
    if turn.faq:
        score = round(turn.faq.score, 3)
        lines[0] += click.style(f" faq={turn.faq.id} score={score}", fg="cyan")
    if turn.ticket:
        lines[0] += click.style(f" ticket={turn.ticket.number}", fg="yellow")
    for message in turn.messages:
        lines.append(click.style("bot> ", fg="green") + message["text"])
        if message["quick_replies"]:
            lines.append("     " + " | ".join(f"[{q}]" for q in message["quick_replies"]))
        for link in message["links"]:
            lines.append(f"     {link['title']}: {link['url']}")
    for suggestion in turn.suggestions:
        lines.append(f"     - {suggestion.question} ({suggestion.id})")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    @group.command("chat")
    @click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Start language.")
    @click.option(
        "--channel",
        type=click.Choice(["widget", "email"]),
        default="widget",
        help="Behave as on this channel (email asks for everything at once).",
    )
    @click.option("--email", default=None, help="The customer's email address, if known.")
    def chat(lang: str | None, channel: str, email: str | None) -> None:
        """Talk to the engine in the terminal (Dutch or English), showing each turn's route."""
        from bot.app import build_runtime

        runtime = build_runtime(Config.from_env())
        started = runtime.conversations.start(
            channel="cli" if channel == "widget" else "email", language=lang, email=email
        )
        for message in started.messages:
            click.echo(click.style("bot> ", fg="green") + message["text"])
        click.echo(click.style("(empty line or Ctrl-D ends the chat)", dim=True))
        while True:
            try:
                text = input("you> ")
            except (EOFError, KeyboardInterrupt):
                break
            if not text.strip():
                break
            click.echo(
                render_turn(runtime.conversations.post(started.public_id, started.token, text))
            )
