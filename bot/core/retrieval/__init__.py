"""FAQ retrieval: analysis (stems, synonyms, compounds, typos), rankers, and the decision gate."""
