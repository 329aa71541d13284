"""Renderings of a bilan: JSON, Markdown, CSV and a self-contained HTML report."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from parcours.reports.compute import Bilan

__all__ = ["Format", "render"]


class Format(StrEnum):
    """The renderings of a bilan (the ``--format`` of ``parcours bilan``)."""

    json = "json"
    markdown = "markdown"
    html = "html"
    csv = "csv"


def render(b: Bilan, format: Format | str, precedents: Sequence[Bilan] = ()) -> str:
    """``b`` as text in ``format``; ``precedents`` (older first) add columns to the tables."""
    format = Format(format)
    if format == "json":
        from parcours.reports.render.tabular import en_json

        return en_json(b, precedents)
    if format == "csv":
        from parcours.reports.render.tabular import en_csv

        return en_csv(b)
    if format == "markdown":
        from parcours.reports.render.markdown import en_markdown

        return en_markdown(b, precedents)
    from parcours.reports.render.html import en_html

    return en_html(b, precedents)
