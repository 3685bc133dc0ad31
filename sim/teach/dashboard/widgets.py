"""Small pieces the dashboard's pages share: escaped text, tables and one-line lists.

Everything a user or a team wrote is shown escaped, as text: a message holding
``<script>`` shows those characters and runs nothing.
"""

from __future__ import annotations

import html

import solara


def Heading(text: str, level: int = 1):
    """Return a heading of user text, escaped (not Markdown: its maths renderer needs the web)."""
    return solara.HTML(tag=f"h{level}", unsafe_innerHTML=html.escape(text))


def Para(text: str, strong: str = ""):
    """Return a paragraph of user text, escaped, with an optional bold lead."""
    lead = f"<strong>{html.escape(strong)}</strong> " if strong else ""
    return solara.HTML(tag="p", unsafe_innerHTML=lead + html.escape(text))


def Lines(lines: list[str], empty: str = "Nothing yet.", classes: list[str] | None = None):
    """Return a list with one line per item, as given (newest first is the caller's order)."""
    if not lines:
        return solara.HTML(
            tag="p", unsafe_innerHTML=html.escape(empty), classes=["quiet", *(classes or [])]
        )
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return solara.HTML(
        tag="ul",
        unsafe_innerHTML=items,
        classes=["lines", *(classes or [])],
        style="list-style: none; padding-left: 0; margin: 0.3em 0; line-height: 1.5",
    )


def Grid(header: list[str], rows: list[list[str]], links: dict[int, str] | None = None):
    """Return a table of escaped text; ``links`` maps a column to a URL prefix for its cells."""
    padded = 'style="padding: 3px 14px 3px 0; text-align: left; vertical-align: top"'
    head = "".join(f"<th {padded}>{html.escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for column, cell in enumerate(row):
            text = html.escape(cell)
            if links and column in links:
                text = f'<a href="{html.escape(links[column] + cell)}">{text}</a>'
            cells.append(f"<td {padded}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return solara.HTML(
        tag="table",
        unsafe_innerHTML=f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>",
        style="border-collapse: collapse; margin: 0.5em 0; min-width: 50%",
        classes=["crisis-table"],
    )
