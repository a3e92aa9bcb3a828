"""Use cases shared by every channel: conversations, tickets, the live message bus."""
