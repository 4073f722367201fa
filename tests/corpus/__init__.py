"""The broken-input corpus: mutated copies of ``data/raw`` and what the pipeline must do with
each (see :mod:`corpus.cases`; run by ``tests/test_corpus.py``)."""
