def contested_claims_view(corpus, selection, **_): raise NotImplementedError
def claims_overview_view(corpus, selection, **_): raise NotImplementedError
def render_contested_claims(corpus, selection=None, **_): return ""
def render_claims_overview(corpus, selection=None, **_): return ""
