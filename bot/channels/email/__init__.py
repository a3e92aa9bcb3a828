"""Email channel. Pure: parsing, quotes, RFC 3834 rules, bounces, composing replies.
With I/O: the inbox (stored before 250), the pipeline, the outbox, `email serve`, `email poll`."""
