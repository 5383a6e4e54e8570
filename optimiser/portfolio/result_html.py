"""A portfolio's printable HTML report: one self-contained page, in the scenario report's
styles (`optimiser.report.html`). The portfolio's summary (status, a row a programme),
where no mapping exists the conflict and repairs in the portfolio's words, then each
programme's section as a scenario's report gives it, each from a new page, and the shared
modules' rooms and loads. Every piece of user text is HTML-escaped; the file is written
atomically."""

from __future__ import annotations

from pathlib import Path

from optimiser.portfolio.documents import PortfolioDocument, programme_of
from optimiser.report.files import atomic_write
from optimiser.report.html import document, report_sections, table, text


def _summary(doc: PortfolioDocument) -> str:
    rows = [
        [f"<td class='code'><a href='#programme-{i}'>{text(values[0])}</a></td>"]
        + [text(v) for v in values[1:]]
        for i, values in enumerate(doc.programme_rows(), start=1)
    ]
    notes = "".join(f"<li>{text(n)}</li>" for n in doc.notes)
    return (
        f"<h1>{text(doc.title)}</h1><p class='meta'>{text(doc.version_line)}</p>"
        f"<p class='status{' bad' if doc.bad else ''}' id='status'>{text(doc.status)}</p>"
        + (f"<h3>What changed</h3><ul>{notes}</ul>" if notes else "")
        + "<h2>Programmes</h2>"
        + table(doc.programme_heading, rows, "programmes", "7em 14% 6em auto 8em 6em 22%")
        + "".join(f"<p>{text(line)}</p>" for line in doc.solver)
    )


def _explanation(doc: PortfolioDocument) -> str:
    if not (doc.explanation or doc.conflict):
        return ""
    parts = ["<section class='page'><h2>Why no mapping keeps every rule of every programme</h2>"]
    parts += [f"<p>{text(s)}</p>" for s in doc.explanation]
    if doc.conflict:
        parts.append("<h3>The rules in conflict</h3>")
        rows = ([text(g), text(programme_of(g)), text(words)] for g, words in doc.conflict)
        parts.append(table(("Rule", "Programme", "What it says"), rows, "", "16em 8em auto"))
    parts.append("<h3>Changes that would make a mapping possible</h3>")
    repairs = ([text(", ".join(r.drop)), text(r.suggestion)] for r in doc.repairs)
    parts.append(table(("Drop or relax", "Suggested change"), repairs, "", "30% auto"))
    return "".join(parts) + "</section>"


def _programmes(doc: PortfolioDocument) -> str:
    return "".join(
        f"<section class='page programme' id='programme-{i}' data-programme='{text(part.code)}'>"
        + report_sections(part.doc, f"status-{i}", explanation=False)
        + "</section>"
        for i, part in enumerate(doc.parts, start=1)
    )


def _shared(doc: PortfolioDocument) -> str:
    codes = [part.code for part in doc.parts]
    if not doc.shared:
        return "<section class='page'><h2>Shared modules</h2><p>None.</p></section>"

    def num(value: object) -> str:
        return f"<td class='num'>{'' if value is None else text(value)}</td>"

    rows = [
        [
            f"<td class='code' data-module='{text(s.module)}'>{text(s.module)}</td>",
            text(s.title),
            num(s.room),
            *(num(s.load_of(code)) for code in codes),
            num("no mapping" if s.total is None else s.total),
            num(s.left),
            text(s.source),
        ]
        for s in doc.shared
    ]
    head = ["Module", "Title", "Room", *codes, "Total", "Room left", "How the room is set"]
    widths = " ".join(["6em", "auto", "4em", *(["5em"] * len(codes)), "6em", "5em", "28%"])
    return (
        "<section class='page'><h2>Shared modules: their room and each programme's load</h2>"
        + table(head, rows, "shared", widths)
        + "</section>"
    )


def portfolio_html(doc: PortfolioDocument) -> str:
    """The report as one HTML page (see the module's description)."""
    body = _summary(doc) + _explanation(doc) + _programmes(doc) + _shared(doc)
    return document(doc.title, body)


def write_portfolio_html(doc: PortfolioDocument, path: Path) -> None:
    """Write the portfolio's HTML report to `path`, atomically."""
    page = portfolio_html(doc)

    def save(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")

    atomic_write(save, Path(path))
