"""`tollbook report`: gather once, write one self-contained page per language into a folder."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from tollbook.errors import TollbookError
from tollbook.report.gather import ReportData, gather_report
from tollbook.report.html import FILE_NAMES, chart_specs, render_charts, render_page
from tollbook.report.i18n import LANGS


@dataclass(frozen=True)
class ReportFiles:
    """What `build_report` wrote: a page per language, the data it used, and how long each step took."""

    pages: dict[str, Path]
    data: ReportData
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def index(self) -> Path:
        """The entry page: English when it was written, else the first language's page."""
        return self.pages.get("en") or next(iter(self.pages.values()))


def languages(lang: str) -> list[str]:
    """The languages `--lang` asks for: en, fa or both."""
    wanted = list(LANGS) if lang == "both" else [lang]
    if any(item not in LANGS for item in wanted):
        raise TollbookError(f"unknown language {lang!r}: use en, fa or both")
    return wanted


def build_report(session: Session, out: Path, lang: str = "both", public: bool = True,
                 note: str | None = None, langs: Sequence[str] | None = None) -> ReportFiles:
    """Write the report's pages into `out` (index.html in English, index.fa.html in Persian); `langs` names
    the languages as a list instead of `lang` (the web app asks for one page)."""
    wanted = [item for name in langs for item in languages(name)] if langs else languages(lang)
    if out.exists() and not out.is_dir():
        raise TollbookError(f"report folder {out} is a file: give a folder with --out")
    started = time.perf_counter()
    data = gather_report(session, public=public)
    seconds = {"gather": time.perf_counter() - started}
    step = time.perf_counter()
    specs = {item: chart_specs(data, item) for item in wanted}
    seconds["chart_specs"] = time.perf_counter() - step
    step = time.perf_counter()
    svgs = render_charts(specs)
    seconds["chart_svgs"] = time.perf_counter() - step
    out.mkdir(parents=True, exist_ok=True)
    pages = {}
    step = time.perf_counter()
    for item in wanted:
        path = out / FILE_NAMES[item]
        path.write_text(render_page(data, item, public, note, svgs[item]), encoding="utf-8")
        pages[item] = path
    seconds["pages"] = time.perf_counter() - step
    seconds["total"] = time.perf_counter() - started
    return ReportFiles(pages, data, seconds)
