"""Supportbot: FAQ-first support for a WordPress plugin and theme vendor."""
