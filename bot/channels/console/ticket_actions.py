"""Acting on a ticket: claim, assign, status, note, reply, hand back (all POST, all CSRF-checked).

Forms get a redirect back to the ticket (303) with a ``notice``; JSON clients get JSON. A
refused action (someone else claimed or answered meanwhile, an empty text) shows the ticket
again with the message and the staff member's draft kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

from bot.channels.console.access import access
from bot.channels.console.guard import actor, wants_json
from bot.channels.console.language import _
from bot.channels.console.ticket_views import render_ticket
from bot.channels.runtime import runtime
from bot.channels.untrusted_input import parse_int
from bot.helpdesk.errors import HelpdeskError, InvalidInput, NotFound
from bot.helpdesk.tickets import StaleEdit, TicketDesk

bp = Blueprint("actions", __name__, url_prefix="/tickets")


def optional_int(name: str) -> int | None:
    raw = request.form.get(name, "")
    if raw in ("", "none"):
        return None
    return required_int(name)


def required_int(name: str) -> int:
    value = parse_int(request.form.get(name))
    if value is None:
        raise InvalidInput(f"{name} must be a number", code="bad_field")
    return value


def refusal(error: HelpdeskError) -> str:
    if isinstance(error, StaleEdit):
        if error.reason == "answered":
            return _(
                "%(name)s answered this ticket since you opened it. Read their reply below; "
                "your draft is kept.",
                name=error.by,
            )
        return _(
            "%(name)s claimed this ticket since you opened it. Nothing was changed; "
            "your draft is kept.",
            name=error.by,
        )
    if error.code == "empty_text":
        return _("The text is empty.")
    if error.code == "text_too_long":
        return _("The text is too long.")
    return _("That did not work: %(reason)s", reason=error.message)


def act(number: str, do: Callable[[], Any], notice: Callable[[Any], str]) -> Response:
    try:
        result = do()
    except NotFound:
        abort(404)
    except HelpdeskError as error:
        if wants_json():
            response = jsonify({"error": error.code, "message": refusal(error)})
            response.status_code = error.status
            return response
        return render_ticket(
            number, error=refusal(error), draft=request.form.get("text", ""), status=error.status
        )
    done = notice(result)
    if wants_json():
        return jsonify({"ok": True, "notice": done})
    return redirect(url_for("console.tickets.show", number=number, notice=done), 303)


@bp.post("/<number>/claim")
@access("staff")
def claim(number: str) -> Response:
    def do() -> None:
        desk().claim(number, actor(), seen_assignee=optional_int("seen_assignee"))

    return act(number, do, lambda _result: "claimed")


@bp.post("/<number>/assign")
@access("staff")
def assign(number: str) -> Response:
    def do() -> None:
        desk().assign(number, actor(), optional_int("assignee"))

    return act(number, do, lambda _result: "assigned")


@bp.post("/<number>/status")
@access("staff")
def status(number: str) -> Response:
    wanted = request.form.get("status", "")
    return act(number, lambda: desk().set_status(number, actor(), wanted), lambda _result: "status")


@bp.post("/<number>/notes")
@access("staff")
def note(number: str) -> Response:
    text = request.form.get("text", "")
    return act(number, lambda: desk().add_note(number, actor(), text), lambda _result: "note")


@bp.post("/<number>/reply")
@access("staff")
def reply(number: str) -> Response:
    form = request.form

    def send() -> Any:
        return desk().reply(
            number, actor(), form.get("text", ""), seen_seq=required_int("seen_seq"),
            seen_assignee=optional_int("seen_assignee"), status=form.get("then", "waiting"),
        )  # fmt: skip

    return act(number, send, lambda delivery: f"sent_{delivery.via}_{delivery.problem or 'ok'}")


@bp.post("/<number>/hand-back")
@access("staff")
def hand_back(number: str) -> Response:
    return act(number, lambda: desk().hand_back(number, actor()), lambda _result: "handed_back")


def desk() -> TicketDesk:
    return runtime().desk
