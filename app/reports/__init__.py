"""The analysis report a user saves: standalone HTML (chart included, nothing fetched) or
Markdown, from an :class:`~app.core.analysis.Analysis` and the view it was made from."""

from app.reports.html_report import render_html_report
from app.reports.markdown_report import render_markdown_report

__all__ = ["render_html_report", "render_markdown_report"]
