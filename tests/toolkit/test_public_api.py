import toolkit

EXPECTED = {
    "Article",
    "Corpus",
    "LoadReport",
    "Plugin",
    "Selection",
    "StepContext",
    "SCHEMAS",
    "analyze",
    "dashboard",
    "empty_table",
    "load",
    "open",
    "plugins",
    "register",
    "render",
    "sample_corpus",
    "view",
}


def test_public_names_are_deliberate():
    assert set(toolkit.__all__) == EXPECTED


def test_every_public_name_resolves():
    for name in toolkit.__all__:
        assert getattr(toolkit, name) is not None, name


def test_empty_tables_have_contract_columns_and_dtypes():
    for name, schema in toolkit.SCHEMAS.items():
        frame = toolkit.empty_table(name)
        assert list(frame.columns) == list(schema)
        assert {c: str(t) for c, t in frame.dtypes.items()} == {
            c: ("object" if t == "object" else str(frame[c].dtype)) for c, t in schema.items()
        }
