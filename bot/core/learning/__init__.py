"""Learning from misses: which messages the bot could not answer, how alike they are, the
phrasings staff teach written back to the knowledge-base files, and a knowledge-base change
tried on stored questions before it goes live. Pure: the adapters store and load."""
