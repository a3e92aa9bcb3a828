"""Mail handling without I/O: parsing, quotes, RFC 3834 rules, bounces, signed Message-IDs,
composing replies, and the email settings. No database, no network: ``bot.channels.email``
does the I/O with these."""
