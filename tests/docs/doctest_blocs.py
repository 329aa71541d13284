"""Run the ```python blocks of a Markdown page as one doctest (shared names, in page order)."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

RACINE = Path(__file__).resolve().parents[2]
_BLOC = re.compile(r"^```(?:python|pycon)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def blocs(page: Path) -> list[str]:
    """The ```python blocks of ``page`` written in ``>>>`` form."""
    return [b for b in _BLOC.findall(page.read_text(encoding="utf-8")) if b.lstrip().startswith(">>>")]


def run(page: Path) -> doctest.TestResults:
    """Run the page's ``>>>`` blocks as one doctest; the failures are printed by doctest."""
    texte = "\n".join(blocs(page))
    test = doctest.DocTestParser().get_doctest(texte, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    runner.run(test)
    return runner.summarize(verbose=False)
