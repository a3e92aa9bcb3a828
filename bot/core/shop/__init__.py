"""The shop side of subscriptions: CSV rows and webhook payloads turned into records."""
