"""The entities plugin's rules, one concern per module.

- :mod:`.names`: name normalisation, transliteration keys, titles, countries and capitals;
- :mod:`.context`: what the words around a mention say about its label;
- :mod:`.ids`: the ids the plugin writes;
- :mod:`.recovery`: known names the model split or missed;
- :mod:`.groups`, :mod:`.resolver`: resolution's working state and the links within an article;
- :mod:`.merging`: the merge rules across articles;
- :mod:`.output`: the resolved tables.
"""
