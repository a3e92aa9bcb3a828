"""Channel adapters around the engine: JSON API, WebSocket widget, email, staff console."""
