"""The customer's rights and our retention: export (GDPR art. 15), erasure (art. 17), purge.

``catalogue`` says, table by table, what can hold a customer's personal data; ``identity`` finds
one person's rows from an address; ``export``, ``erasure`` and ``retention`` act on them, and
``anonymise`` is what erasure and retention both do to a conversation. See docs/privacy.md.
"""
