"""The pure-Python core: knowledge, retrieval and the dialogue engine. No Flask, no SQLAlchemy."""
