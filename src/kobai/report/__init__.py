"""Reports: pages of headings, text, tables and figures, written as Markdown and HTML."""

from kobai.report.page import Page, data_uri, format_number, inline_html

__all__ = ["Page", "data_uri", "format_number", "inline_html"]
