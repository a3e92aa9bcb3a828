"""Learning from misses, as use cases: missed questions recorded and grouped, the review
queue's actions, and the taught phrasings every worker's FAQ index picks up."""
