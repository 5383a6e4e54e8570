"""The printable HTML report: one self-contained file for review meetings.

No script, no network, no external asset: the styles are inline, the marks are text.
Sections: the summary in words, the KSB x module heatmap (module columns grouped by
level, KSB rows grouped by duty where the standard has duties, else by kind; spiral KSBs
marked; cells shaded by content fit, mapped cells marked), module loads against their
room, each KSB's coverage, and where present the explanation or the changes. Readable on
screen and printed on A4 landscape. Every piece of user text is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path

from optimiser.fit.model import FitMatrix
from optimiser.instance import Instance
from optimiser.report import categories
from optimiser.report.content import KIND_LABEL, Document, KsbRow, ModuleRow
from optimiser.report.files import atomic_write
from optimiser.result import Result, SolveStatus

MARK = "✓"
PARTIAL = "p"  # an entry the scenario marks partial: it never counts for coverage
SPIRAL = "↻"

CSS = """
:root { --ink: #1b1b1b; --blue: #1f4e78; --grey: #595959; --line: #c8c8c8;
        --l4: #ddebf7; --l5: #e2efda; --mapped: #548235; --spiral: #ffd966;
        --bad: #f4b084; --none: #ffc7ce; }
* { box-sizing: border-box; }
body { font: 14px/1.4 "Calibri", "Carlito", "Segoe UI", "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 24px; max-width: 100%; }
h1 { color: var(--blue); font-size: 24px; margin: 0 0 4px; }
h2 { color: var(--blue); font-size: 18px; border-bottom: 2px solid var(--blue);
     margin: 28px 0 8px; padding-bottom: 2px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.sub { font-style: italic; font-size: 16px; margin: 0; }
.meta { color: var(--grey); font-size: 12px; margin: 2px 0 12px; }
.status { display: inline-block; font-weight: bold; padding: 3px 10px; border-radius: 3px;
          background: #e2efda; border: 1px solid #a9d08e; }
.status.bad { background: var(--none); border-color: #e48b96; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid var(--line); padding: 3px 5px; vertical-align: top;
         overflow-wrap: break-word; }
th { background: var(--blue); color: #fff; text-align: left; font-weight: bold; }
table.facts { width: auto; max-width: 100%; table-layout: auto; }
table.facts th { background: none; color: var(--ink); border: none; padding-right: 16px;
                 white-space: nowrap; }
table.facts td { border: none; }
col.c-code { width: 4.5em; }
col.c-m { width: 2.6em; }
col.c-n { width: 5.5em; }
.grid th.m { text-align: center; padding: 2px 0; font-size: 12px; overflow-wrap: normal; }
.grid th.m span { writing-mode: vertical-rl; transform: rotate(180deg); display: inline-block;
                  white-space: nowrap; }
.grid th.lv4 { background: var(--l4); color: var(--ink); }
.grid th.lv5 { background: var(--l5); color: var(--ink); }
.grid td.c { text-align: center; padding: 2px 0; font-weight: bold; }
.grid td.on { background: var(--mapped); color: #fff; }
.grid tr.group th { background: #f2f2f2; color: var(--ink); font-weight: bold; }
.grid td.code, .cov td.code { font-weight: bold; white-space: nowrap; }
tr.spiral td.code { background: var(--spiral); }
td.num { text-align: right; white-space: nowrap; }
.bar { background: #eee; height: 12px; border: 1px solid var(--line); position: relative; }
.bar span { display: block; height: 100%; background: #5b9bd5; }
.bar span.full { background: var(--bad); }
td.none { background: var(--none); }
td.partial, td.marked-partial { background: var(--bad); }
.key span { display: inline-block; min-width: 1.6em; text-align: center; margin: 0 4px 0 14px;
            border: 1px solid var(--line); }
.sign td { height: 34px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; font-size: 9pt; }
  col.c-m { width: 2em; }
  col.c-code { width: 3.6em; }
  col.c-n { width: 5em; }
  th, td { padding: 1px 4px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  section.page { break-before: page; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(
    head: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "", widths: str = ""
) -> str:
    """A table of already-escaped cells (`<td ...>` where a cell starts with `<td`);
    `widths`: CSS widths of the columns, separated by spaces ("auto" for the rest)."""
    cols = "".join(f"<col style='width:{w}'>" if w != "auto" else "<col>" for w in widths.split())
    colgroup = f"<colgroup>{cols}</colgroup>" if cols else ""
    out = [f"<table class='{cls}'>{colgroup}<thead><tr>"]
    out += [f"<th>{_e(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row))
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class _Html:
    def __init__(self, doc: Document, ident: str = "status") -> None:
        """`ident`: the id of the status line (one per programme in a portfolio's page)."""
        self.doc = doc
        self.r = doc.r
        self.ident = ident

    def head(self) -> str:
        doc = self.doc
        bad = not doc.solved or bool(doc.checked)
        facts = doc.coverage_facts()
        rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
        return (
            f"<h1>{_e(doc.title)}</h1><p class='sub'>{_e(doc.standard)}</p>"
            f"<p class='meta'>{_e(doc.version_line)}</p>"
            f"<p class='status{' bad' if bad else ''}' id='{_e(self.ident)}'>{_e(doc.status)}</p>"
            + (
                "<h3>What changed</h3><ul>"
                + "".join(f"<li>{_e(n)}</li>" for n in self.r.change_notes)
                + "</ul>"
                if self.r.change_notes
                else ""
            )
            + f"<table class='facts'>{rows}</table>"
            f"<h3>{_e(doc.proved_heading)}</h3><p>{_e(doc.proved())}</p>"
        )

    def groups(self) -> list[tuple[str, list[KsbRow]]]:
        """KSB rows grouped by duty where the standard has duties, else by kind."""
        rows = self.doc.ksb_rows
        duties = self.doc.s.standard.duties
        if duties:
            out = [
                (f"{d.code} {d.text}".strip(), [k for k in rows if k.duty == d.code])
                for d in duties
            ]
            rest = [k for k in rows if k.duty is None]
            if rest:
                out.append(("Not in a duty", rest))
            return [(name, ks) for name, ks in out if ks]
        return [
            (kind + "s" if kind != "Knowledge" else kind, [k for k in rows if k.kind == kind])
            for kind in KIND_LABEL.values()
            if any(k.kind == kind for k in rows)
        ]

    def heatmap(self) -> str:
        doc = self.doc
        modules = doc.module_rows
        levels = sorted({m.level for m in modules})
        cols = ["<col class='c-code'>", "<col>"]
        cols += ["<col class='c-m'>"] * len(modules) + ["<col class='c-n'>"]
        top = ["<tr><th rowspan='2'>KSB</th><th rowspan='2'>Statement</th>"]
        for level in levels:
            n = sum(1 for m in modules if m.level == level)
            top.append(f"<th class='lv{level}' colspan='{n}'>Level {level}</th>")
        top.append("<th rowspan='2'>Modules</th></tr><tr>")
        for m in modules:
            top.append(
                f"<th class='m lv{m.level}' title='{_e(m.title)}' data-module='{_e(m.code)}'>"
                f"<span>{_e(m.code)}</span></th>"
            )
        top.append("</tr>")
        fit = doc.fit
        body: list[str] = []
        placed = {(p.module, k.code) for k in doc.ksb_rows for p in k.places}
        halves = {(p.module, k.code) for k in doc.ksb_rows for p in k.places if p.partial}
        for name, ksbs in self.groups():
            body.append(f"<tr class='group'><th colspan='{len(modules) + 3}'>{_e(name)}</th></tr>")
            for k in ksbs:
                mark = f" <span title='spiral'>{SPIRAL}</span>" if k.spiral else ""
                cells = [
                    f"<td class='code'>{_e(k.code)}{mark}</td>",
                    f"<td>{_e(k.text)}</td>",
                ]
                for m in modules:
                    on = (m.code, k.code) in placed
                    shade = ""
                    if not on and fit is not None:
                        score = max(0.0, min(1.0, fit.score(k.code, m.code)))
                        if score > 0.05:
                            shade = (
                                f" style='background:rgba(91,155,213,{0.15 + 0.6 * score:.2f})'"
                            )
                    cls = "c on" if on else "c"
                    shown = (PARTIAL if (m.code, k.code) in halves else MARK) if on else ""
                    cells.append(f"<td class='{cls}'{shade}>{shown}</td>")
                cells.append(f"<td class='num'>{len(k.places)}</td>")
                spiral = " spiral" if k.spiral else ""
                body.append(
                    f"<tr class='ksb{spiral}' data-ksb='{_e(k.code)}'>" + "".join(cells) + "</tr>"
                )
        key = (
            f"<p class='key'>Key:<span style='background:var(--mapped);color:#fff'>{MARK}</span>"
            "taught and assessed in the module"
            f"<span style='background:var(--spiral)'>{SPIRAL}</span>spiral: met at level 4 and "
            "again at level 5"
            + (
                "<span style='background:rgba(91,155,213,.5)'>&nbsp;</span>the module's own text "
                "fits the KSB (the darker, the closer)"
                if fit is not None
                else ""
            )
            + "</p>"
        )
        return (
            "<section class='page'><h2>KSB × module map</h2>"
            f"<table class='grid'><colgroup>{''.join(cols)}</colgroup>"
            f"<thead>{''.join(top)}</thead><tbody>{''.join(body)}</tbody></table>{key}</section>"
        )

    def loads(self) -> str:
        def row(m: ModuleRow) -> list[str]:
            share = min(100, round(100 * m.load / m.capacity)) if m.capacity else 100
            full = " class='full'" if m.load >= m.capacity else ""
            return [
                f"<td class='code'>{_e(m.code)}</td>",
                _e(m.title),
                f"<td class='num'>{m.level}</td>",
                f"<td class='num'>{m.credits}</td>",
                _e(", ".join(m.methods)),
                f"<td class='num'>{m.load} of {m.capacity}</td>",
                f"<div class='bar'><span{full} style='width:{share}%'></span></div>",
            ]

        modules = self.doc.module_rows
        head = ["Module", "Title", "Level", "Credits", "Assessment methods", "KSBs / room", ""]
        widths = "6em auto 4em 5em auto 7em 18%"
        if not self.doc.solved:  # no loads to show: the room and the methods
            rows = [[*row(m)[:5], f"<td class='num'>{m.capacity}</td>"] for m in modules]
            table = _table([*head[:5], "Room"], rows, "loads", "6em auto 4em 5em auto 6em")
            return "<h2>Modules, their room and their methods</h2>" + table
        table = _table(head, (row(m) for m in modules), "loads", widths)
        return "<h2>Module loads against their room</h2>" + table

    def coverage(self) -> str:
        def row(k: KsbRow) -> list[str]:
            places = "<br>".join(
                _e(p.name + (f" ({', '.join(p.outcomes)})" if p.outcomes else ""))
                for p in k.places
            )
            notes = "; ".join(k.notes)
            return [
                f"<td class='code'>{_e(k.code)}</td>",
                _e(k.text),
                places or "not mapped",
                _e(", ".join(k.methods)),
                f"<td class='{k.coverage.replace(' ', '-')}'>{_e(k.coverage)}</td>",
                _e(notes),
            ]

        head = ("KSB", "Statement", "Taught and assessed in", "Assessed by", "Coverage", "Note")
        widths = "4.5em 34% auto 14% 6.5em 16%"
        table = _table(head, (row(k) for k in self.doc.ksb_rows), "cov", widths)
        return "<section class='page'><h2>Coverage of each KSB</h2>" + table + "</section>"

    def explanation(self) -> str:
        doc, r = self.doc, self.r
        parts = ["<section class='page'><h2>Why no mapping keeps every rule</h2>"]
        parts += [f"<p>{_e(s)}</p>" for s in r.explanation or []]
        parts.append("<h3>The rules in conflict</h3>")
        parts.append(
            _table(
                ("Rule", "What it says"),
                ([_e(g), _e(doc.rule_words(g))] for g in r.conflict or []),
                widths="16em auto",
            )
        )
        ksbs = doc.conflict_ksbs()
        if ksbs:
            parts.append("<h3>The KSBs the conflict is about</h3>")
            parts.append(
                _table(
                    ("KSB", "Statement", "Rules about it", "Modules that can assess it"),
                    (
                        [_e(c), _e(t), _e(", ".join(g)), _e(", ".join(a) or "none")]
                        for c, t, g, a in ksbs
                    ),
                    widths="4.5em auto 22% 22%",
                )
            )
        parts.append("<h3>Changes that would make a mapping possible</h3>")
        parts.append(
            _table(
                ("Drop or relax", "Suggested change"),
                ([_e(", ".join(rep.drop)), _e(rep.suggestion)] for rep in r.repairs or []),
                widths="30% auto",
            )
        )
        return "".join(parts) + "</section>"

    def changes(self) -> str:
        assert self.r.changes is not None
        texts = {k.code: k.text for k in self.doc.inst.ksbs}
        rows = [
            [label, _e(ksb), _e(texts.get(ksb, "")), _e(module)]
            for label, pairs in (
                ("added", self.r.changes.added),
                ("removed", self.r.changes.removed),
            )
            for ksb, module in pairs
        ]
        out = "<h2>Changes to the existing mapping</h2>"
        if not rows:
            return out + "<p>None: the existing mapping keeps every rule as it is.</p>"
        head = ("Change", "KSB", "Statement", "Module")
        return out + _table(head, rows, "", "6em 4.5em auto 7em")

    def settings(self) -> str:
        """The rules in force and what the solver did: what a reviewer needs to re-run it."""

        def facts(pairs: list[tuple[str, str]]) -> str:
            return (
                "<table class='facts'>"
                + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in pairs)
                + "</table>"
            )

        doc = self.doc
        return (
            "<section class='page'><h2>Rules in force</h2>"
            + facts(doc.rules_facts())
            + "<h2>Solver</h2>"
            + facts(doc.solver_facts())
            + "</section>"
        )

    def signoff(self) -> str:
        rows = [[_e(role), "", "", ""] for role in ("Prepared by", "Reviewed by", "Approved by")]
        head = ("Role", "Name", "Signature", "Date")
        return "<h2>Sign-off</h2>" + _table(head, rows, "sign", "22% auto auto 14%")

    def duties(self) -> str:
        rows = categories.duty_rows(self.doc.inst, self.doc.pairs)
        cells = (
            [f"<td class='code'>{_e(code)}</td>", _e(text or ""), _e(where).replace("\n", "<br>")]
            for code, text, where in rows
        )
        head = ("Duty", "Statement", "Where covered (partial; reference)")
        table = _table(head, cells, "cov", "4.5em 40% auto")
        return "<section class='page'><h2>Coverage of each duty</h2>" + table + "</section>"

    def page(self) -> str:
        return document(self.doc.title, self.sections())

    def sections(self, explanation: bool = True) -> str:
        """The report's body; `explanation`: False where the conflict is said elsewhere
        (a portfolio's, once for all its programmes)."""
        doc = self.doc
        body = [self.head()]
        if doc.solved:
            if self.r.changes is not None:
                body.append(self.changes())
            body += [self.heatmap(), self.loads(), self.coverage()]
            if categories.wanted(doc.inst):
                body.append(self.duties())
        else:
            body.append(self.loads())
        if explanation and SolveStatus(self.r.status) == SolveStatus.INFEASIBLE:
            body.append(self.explanation())
        body += [self.settings(), self.signoff()]
        return "".join(body)


def document(title: str, body: str) -> str:
    """A whole page of the report's styles: `body` (HTML, its text escaped) under `title`."""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def report_sections(doc: Document, ident: str = "status", explanation: bool = True) -> str:
    """The report's body for `doc`, to stand in a larger page (a portfolio's); `ident`
    and `explanation`: see `_Html`."""
    return _Html(doc, ident).sections(explanation)


#: escaped text and a table of escaped cells, for pages that add sections of their own
text, table = _e, _table


def html_report(
    inst: Instance,
    result: Result,
    fit: FitMatrix | None = None,
    checked: list[str] | None = None,
) -> str:
    """The report as one HTML page (see the module's description)."""
    return _Html(Document(inst, result, fit, checked)).page()


def write_html_report(
    inst: Instance,
    result: Result,
    path: Path,
    fit: FitMatrix | None = None,
    checked: list[str] | None = None,
) -> None:
    """Write the HTML report of `result` to `path`, atomically."""
    text = html_report(inst, result, fit, checked)

    def save(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(save, Path(path))
