"""Email channel, pure part: parsing, quotes, RFC 3834 rules, bounces, composing replies."""
