"""The stories step's rules: article vectors (``vectors``: TF-IDF of content words, shared entities and
dates, nearest neighbours) and their clustering into stories (``clustering``: average link, copies)."""
