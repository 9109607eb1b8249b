"""The cache key is taken from the code itself (issue #19, "the cache serves stale results").

Hand-set plugin versions were the key and were never bumped: after a rule changed, a re-run
into the same ``--out`` served the old rows (99 quotes where the changed rule found none).
These tests change one rule of a small plugin package written into ``tmp_path`` and see
every article analysed again. The spaCy model is replaced by a blank English pipeline: the
plugin reads only tokens, and the key, not the model, is what is tested.
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

import toolkit
from toolkit import engines
from toolkit._fingerprint import files_digest, plugin_digest
from toolkit.cli import main
from toolkit.registry import Plugin, lazy, registry

PACKAGE = "presslens_cachekey_probe"  # a name no installed package uses

RULES = """
LABEL = "{label}"


def extract(doc, article, options):
    first = doc[0]
    return {{"mentions": [{{"start": first.idx, "end": first.idx + len(first), "text": first.text,
                           "label": LABEL}}]}}
"""


@pytest.fixture
def probe_package(tmp_path, monkeypatch):
    """A plugin package on ``sys.path`` whose one rule is the label it gives every mention;
    its modules are forgotten afterwards, so no later test imports them."""
    root = tmp_path / "site"
    package = root / PACKAGE
    (package / "lexicon").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "rules.py").write_text(RULES.format(label="OLD"))
    (package / "lexicon" / "words.txt").write_text("said\n")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # an edit of the same second must not meet an old .pyc
    yield package
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(PACKAGE + ".")]:
        del sys.modules[name]


@pytest.fixture
def blank_model(monkeypatch):
    """A blank English pipeline instead of the model: tokens only, loaded in milliseconds."""
    spacy = pytest.importorskip("spacy")
    from toolkit.nlp import ensure_extensions

    def blank(config, chosen):
        ensure_extensions()  # as load_model does
        return spacy.blank("en")

    monkeypatch.setattr(engines, "build_nlp", blank)


def probe_plugin(*, version: str = "1") -> Plugin:
    return Plugin(
        name="cachekey_probe", version=version, provides=("mentions",), extract=lazy(f"{PACKAGE}.rules:extract")
    )


def write_articles(folder):
    folder.mkdir()
    (folder / "harbour.txt").write_text("Harbour reopens\n\nFerries resumed service on Tuesday.\n")
    (folder / "orchard.txt").write_text("Orchard harvest\n\nGrowers counted the apples twice.\n")
    return folder


def change_rule(package, label: str) -> None:
    """Edit the rule, and forget the imported module as a new process would not have it."""
    (package / "rules.py").write_text(RULES.format(label=label))
    sys.modules.pop(f"{PACKAGE}.rules", None)


def test_a_changed_rule_is_analysed_again_and_the_stale_entries_are_dropped(
    tmp_path, probe_package, blank_model, capsys
):
    inputs, out = write_articles(tmp_path / "in"), tmp_path / "out"
    with registry.enabled(probe_plugin()):
        first = toolkit.analyze(inputs, out=out, plugins=["cachekey_probe"], quiet=True)
        assert set(first.mentions["label"]) == {"OLD"} and first.manifest["analysed"] == 2
        change_rule(probe_package, "CHANGED RULE")
        assert main(["analyze", str(inputs), "--out", str(out), "--plugins", "cachekey_probe", "--quiet"]) == 0
    second = toolkit.open(out)
    assert set(second.mentions["label"]) == {"CHANGED RULE"}, "the old rule's rows were served from the cache"
    assert (second.manifest["analysed"], second.manifest["from_cache"]) == (2, 0)
    assert second.manifest["cache"]["dropped_stale"] == 2
    assert "dropped 2 stale cache entries: code, configuration or model changed" in capsys.readouterr().err
    digests = [corpus.manifest["versions"]["code"]["plugins"]["cachekey_probe"] for corpus in (first, second)]
    assert digests[0] != digests[1]
    assert second.manifest["versions"]["plugins"] == {"cachekey_probe": "1"}  # kept, as information
    # only the run's own key folder is left, holding one entry per article
    assert [len(list(folder.rglob("*.json"))) for folder in (out / ".cache").iterdir()] == [2]


def test_an_unchanged_rerun_is_all_cache_hits_whatever_the_hand_set_version(tmp_path, probe_package, blank_model):
    inputs, out = write_articles(tmp_path / "in"), tmp_path / "out"
    with registry.enabled(probe_plugin()):
        first = toolkit.analyze(inputs, out=out, plugins=["cachekey_probe"], quiet=True)
        again = toolkit.analyze(inputs, out=out, plugins=["cachekey_probe"], quiet=True)
    assert again.manifest.get("reused_previous_run") is True
    (out / "manifest.json").unlink()  # without the previous run, every article goes through the cache
    with registry.enabled(probe_plugin(version="2")):  # a bumped version alone changes no row: not in the key
        cached = toolkit.analyze(inputs, out=out, plugins=["cachekey_probe"], quiet=True)
    assert (cached.manifest["analysed"], cached.manifest["from_cache"]) == (0, 2)
    assert cached.manifest["cache"]["dropped_stale"] == 0
    assert cached.manifest["cache"]["key"] == first.manifest["cache"]["key"]
    assert cached.mentions.equals(first.mentions)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["versions"]["code"]) == {"core", "plugins"}


def test_the_digest_follows_the_package_data_and_ignores_its_bytecode(probe_package):
    plugin = probe_plugin()
    before = plugin_digest(plugin)
    (probe_package / "__pycache__").mkdir()
    (probe_package / "__pycache__" / "rules.cpython-311.pyc").write_bytes(b"\x00compiled")
    (probe_package / "lexicon" / "__pycache__").mkdir()
    (probe_package / "lexicon" / "__pycache__" / "stray.pyc").write_bytes(b"\x00")
    assert plugin_digest(plugin) == before, "bytecode is not source: it must not change the key"
    (probe_package / "lexicon" / "words.txt").write_text("said\nclaimed\n")
    changed = plugin_digest(plugin)
    assert changed != before, "a word list the rules read decides rows as much as the rules"
    (probe_package / "lexicon" / "words.txt").write_text("said\ncounted\n")  # same size, other words
    assert plugin_digest(plugin) not in (before, changed)
    assert files_digest(probe_package) != files_digest(probe_package / "rules.py")


def test_a_plugin_with_code_in_no_file_falls_back_to_its_version():
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec("def extract(doc, article, options):\n    return {}\n", namespace)
    digests = {
        plugin_digest(Plugin(name="typed", version=version, extract=namespace["extract"])) for version in ("1", "2")
    }
    assert len(digests) == 2


def test_a_plugin_defined_in_a_script_is_keyed_on_the_script(tmp_path, monkeypatch):
    script = tmp_path / "my_analysis.py"
    script.write_text(
        textwrap.dedent("""
        def extract(doc, article, options):
            return {}
    """)
    )
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(compile(script.read_text(), str(script), "exec"), namespace)
    monkeypatch.setattr(sys.modules["__main__"], "__file__", str(script), raising=False)
    plugin = Plugin(name="scripted", extract=namespace["extract"])
    before = plugin_digest(plugin)
    script.write_text(script.read_text() + "\nLIMIT = 3\n")
    assert plugin_digest(plugin) != before
