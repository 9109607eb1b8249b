"""The entities plugin's skeleton: a light registration, ids kept, one reporting-verb list."""

from __future__ import annotations

import hashlib
import subprocess
import sys

from toolkit.sdk import word_list
from toolkit_entities.rules.aliases import suggestion_id
from toolkit_entities.rules.context import is_reporting_verb
from toolkit_entities.rules.ids import entity_id, mention_id


def test_importing_the_plugin_imports_neither_spacy_nor_altair():
    code = (
        "import sys, toolkit, toolkit_entities; toolkit.plugins(); "
        "print(sorted(m for m in ('spacy', 'altair') if m in sys.modules))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]", found.stderr


def test_ids_keep_the_recipes_people_store_in_alias_files():
    def sha1(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    assert mention_id("a1", 3, 9) == "m" + sha1("a1\x003\x009")[:12]
    assert entity_id("PERSON", "Anna Berg") == "E" + sha1("PERSON|Anna Berg")[:10]
    assert entity_id("PERSON", "Anna Berg", "m1") == "E" + sha1("PERSON|Anna Berg|m1")[:10]
    assert suggestion_id("B", "A") == "s" + sha1("A\x00B")[:10]


def test_reporting_verbs_are_the_shared_list_in_the_forms_text_shows():
    # regression: the plugin kept its own inflected list of 28 forms beside the shared lemma list
    assert all(is_reporting_verb(lemma) for lemma in word_list("speech_verbs"))
    assert all(is_reporting_verb(form) for form in ("said", "tells", "denied", "replies", "wrote", "admitted"))
    assert not any(is_reporting_verb(word) for word in ("the", "minister", "bread"))
