"""Snowball stemmers through PyStemmer (the Snowball project's C code), one per thread.

A PyStemmer stemmer must not be shared between threads, and the widget's sockets and the
server's workers are threads. Its own cache is off: ``analysis.py`` caches stems already.
"""

from __future__ import annotations

import threading

import Stemmer

_local = threading.local()


def stem_english(word: str) -> str:
    """The Snowball 3 English ("Porter2") stem of a folded lower-case word."""
    stemmer = getattr(_local, "english", None)
    if stemmer is None:
        stemmer = _local.english = Stemmer.Stemmer("english", 0)
    try:
        return str(stemmer.stemWord(word))
    except UnicodeEncodeError:  # a lone surrogate (mail decoded with surrogateescape): no stem
        return word
