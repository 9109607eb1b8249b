"""presslens-amounts: amounts of money, percentages, measures and counts of things.

An example third-party plugin, laid out like the standard ones so it can be
copied as a template. It fills one table, ``amounts`` (article_id, start, end,
text, value, unit, kind, n_articles):

- per article, the ``presslens_amounts`` spaCy component finds the amounts
  (:mod:`presslens_amounts.component`; it needs no parser, so it also works in
  ``spacy.blank("en")``), and ``extract`` turns them into rows;
- once per corpus, :func:`presslens_amounts.step.corpus_step` counts the
  articles that give the same figure;
- the ``amounts`` view and static renderer show them
  (:mod:`presslens_amounts.views`).

Everything below is a declaration: the code is imported on first use, so
``toolkit.plugins()`` does not import spaCy for this plugin.

>>> plugin.name, plugin.provides, plugin.component
('amounts', ('amounts',), 'presslens_amounts')
"""

from __future__ import annotations

from toolkit.sdk import Plugin, lazy

__all__ = ["plugin"]
__version__ = "0.1.0"

plugin = Plugin(
    name="amounts",
    version=__version__,
    description="Money, percentages, measures and counts of things, with their values and units.",
    requires=("articles",),
    provides=("amounts",),
    component="presslens_amounts",
    extract=lazy("presslens_amounts.component:extract"),
    corpus_step=lazy("presslens_amounts.step:corpus_step"),
    views={"amounts": lazy("presslens_amounts.views:amounts_view")},
    renderers={"amounts": lazy("presslens_amounts.views:render_amounts")},
    places={"amounts": "more"},
    titles={"amounts": "Amounts and figures"},
)
