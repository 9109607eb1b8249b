"""The claims plugin's rules, one concern per module.

- :mod:`.words`: the word classes of ``lexicon/`` as the rules use them;
- :mod:`.reading`: one quote read as a claim (stance, proposition, frame words);
- :mod:`.grouping`: claims of the same proposition across articles;
- :mod:`.claimants`: who makes a claim, what it is about, when, how sure;
- :mod:`.anaphora`: claims that point back ("deny this") and take their antecedent's topic;
- :mod:`.passages`: the passages around quotes parsed when no reading was stored;
- :mod:`.slices`: the tables read a slice of quotes at a time (memory).
"""
