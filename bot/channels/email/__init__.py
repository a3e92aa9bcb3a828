"""Email channel, the I/O around the pure mail library in ``bot.mail``: the inbox (stored before
250), the pipeline, the outbox, staff mail, `email serve` and `email poll`."""
