"""The mapping workbooks printed: LibreOffice turns them into PDF, and the PDF's own word
positions show whether a statement fits its row (a cut row pushes its last lines into the
next row's band), how many KSBs a page holds, and that no word is broken across lines."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from conftest import FAST, SCENARIOS, STANDARDS
from test_real_standards import FILES, SHAPES, programme_for

from models import Scenario
from optimiser.explain import explain_result
from optimiser.instance import Instance
from optimiser.io import load_scenario
from optimiser.io.normalised import read_normalised_standard
from optimiser.report.xlsx import write_result_workbook
from optimiser.result import Result
from optimiser.solve import fit_of, solve

pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def sheet(self) -> str:
        """The sheet name LibreOffice prints in the middle of the header."""
        top = [
            w
            for w in self.words
            if w.y0 < 22 and self.width * 0.3 < w.x0 and w.x1 < self.width * 0.7
        ]
        return " ".join(w.text for w in sorted(top, key=lambda w: w.x0))

    @property
    def body(self) -> list[Word]:
        return [w for w in self.words if 22 <= w.y0 < self.height - 35]


def pages_of(pdf: Path) -> list[Page]:
    assert PDFTOTEXT is not None
    out = subprocess.run(
        [PDFTOTEXT, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for chunk in out.split("<page ")[1:]:
        size = re.match(r'width="([\d.]+)" height="([\d.]+)"', chunk)
        assert size is not None
        words = [
            Word(float(a), float(b), float(c), float(d), unescape(t))
            for a, b, c, d, t in _WORD.findall(chunk)
        ]
        pages.append(Page(float(size.group(1)), float(size.group(2)), words))
    return pages


def to_pdf(paths: list[Path], folder: Path) -> dict[str, list[Page]]:
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
        + [str(p) for p in paths],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return {p.stem: pages_of(folder / (p.stem + ".pdf")) for p in paths}


def _joined(text: str) -> str:
    return re.sub(r"(?<=\w-) (?=\w)", "", text)


def check_rows(pages: list[Page], header: str, after: str, texts: dict[str, str]) -> list[int]:
    """Every statement lies whole in its own row band: the words between the column headed
    `header` and the next column (headed `after`), from its code's line to the next code's.
    Returns the number of rows on each page that holds the table."""
    counts: list[int] = []
    seen: set[str] = set()
    for page in pages:
        body = page.body
        head = next((w for w in body if w.text == header), None)
        if head is None:  # a page of the sheet before or after the table
            continue
        right = min(w.x0 for w in body if w.text == after and abs(w.y0 - head.y0) < 30)
        codes = sorted(
            (w for w in body if w.text in texts and w.x1 <= head.x0 and w.y0 > head.y1),
            key=lambda w: w.y0,
        )
        counts.append(len(codes))
        bottom = max(w.y1 for w in body) + 1
        for i, code in enumerate(codes):
            end = codes[i + 1].y0 - 1 if i + 1 < len(codes) else bottom
            inside = sorted(
                (w for w in body if head.x0 - 2 <= w.x0 < right - 2 and code.y0 - 2 <= w.y0 < end),
                key=lambda w: (round(w.y0), w.x0),
            )
            # a line may break after a hyphen ("anti-" / "discriminatory"), never inside a word
            shown = _joined(" ".join(w.text for w in inside))
            expected = _joined(" ".join(texts[code.text].split()))
            # a bottom row may be followed by the sheet's key or totals
            assert shown == expected or (i + 1 == len(codes) and shown.startswith(expected)), (
                f"{page.sheet}: {code.text} shows {shown!r}"
            )
            seen.add(code.text)
    assert seen == set(texts), f"rows missing from the print: {set(texts) - seen}"
    return counts


def sheet_pages(pages: list[Page], name: str) -> list[Page]:
    return [p for p in pages if p.sheet == name]


def real_scenario() -> Scenario | None:
    """A real standard of ordinary length with a generated programme."""
    for name in FILES:
        _, n = SHAPES[name]
        if 30 <= n <= 80:
            standard = read_normalised_standard(STANDARDS / name)
            mean = sum(len(k.text) for k in standard.ksbs) / len(standard.ksbs)
            if mean <= 160:
                programme, rules = programme_for(standard, broad=True, spare=1.6)
                return Scenario.model_validate(
                    {
                        "name": standard.title,
                        "standard": standard.model_dump(exclude_none=True),
                        "programme": programme,
                        "rules": rules,
                    }
                )
    return None


def test_workbooks_print_whole(tmp_path: Path) -> None:
    if SOFFICE is None or PDFTOTEXT is None:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    scenarios: dict[str, Scenario] = {
        "hnc": load_scenario(SCENARIOS / "hnc-cyber-security.yaml"),
        "fdsc": load_scenario(SCENARIOS / "fdsc-early-years-validated.yaml"),
        "infeasible": load_scenario(SCENARIOS / "hnc-cyber-security-infeasible.yaml"),
    }
    real = real_scenario()
    if real is not None:
        scenarios["real"] = real
    results: dict[str, Result] = {}
    paths = []
    for name, scen in scenarios.items():
        inst = Instance(scen)
        results[name] = explain_result(
            solve(scen, baseline=scen.mapping, settings=FAST), scen, FAST
        )
        paths.append(tmp_path / f"{name}.xlsx")
        write_result_workbook(inst, results[name], paths[-1], fit=fit_of(inst))
    printed = to_pdf(paths, tmp_path)

    for name, scen in scenarios.items():
        pages = printed[name]
        texts = {k.code: k.text for k in scen.standard.ksbs}
        n = len(texts)
        assert all(abs(p.width - 842) < 2 and abs(p.height - 595) < 2 for p in pages)
        sheets = {"Summary", "Mapping", "KSB coverage", "Modules", "Explanation", "Changes"}
        assert {p.sheet for p in pages} <= sheets
        assert len(sheet_pages(pages, "Summary")) <= 2
        assert len(sheet_pages(pages, "Modules")) == 1
        if not results[name].solved:
            assert not sheet_pages(pages, "Mapping") and not sheet_pages(pages, "KSB coverage")
            explanation = sheet_pages(pages, "Explanation")
            assert explanation
            conflict = {k: texts[k] for k in texts if f"coverage:{k}" in results[name].conflict}
            assert conflict
            check_rows(explanation, "Statement", "Rules", conflict)
            continue
        coverage = sheet_pages(pages, "KSB coverage")
        assert len(coverage) <= math.ceil(n / 25), f"{name}: {len(coverage)} coverage pages"
        counts = check_rows(coverage, "Statement", "Taught", texts)
        assert all(c >= 25 for c in counts[:-1]), f"{name}: KSBs per coverage page {counts}"
        mapping = sheet_pages(pages, "Mapping")
        first = min(scen.programme.modules, key=lambda m: m.level).code
        counts = check_rows(mapping, "Statement", first, texts)
        assert all(c >= 20 for c in counts[:-1]), f"{name}: KSBs per mapping page {counts}"
        assert len(mapping) <= math.ceil(n / 20)
