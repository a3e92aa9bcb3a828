"""The staff console (``/staff/``): login, the ticket queue, tickets, the dashboard, live updates.

``bot.channels.console.blueprint.init_console(app)`` is the one call that wires it into an app.
The pieces without Flask (``queue``, ``ticket_page``, ``live``, ``metrics``, ``charts``) import
on their own; the ticket use cases are in ``bot.helpdesk.tickets``, staff accounts, passwords
and sessions in ``bot.helpdesk.staff``.
"""
