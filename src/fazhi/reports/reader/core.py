"""read_text / read_file / read_corpus: the reader's entry points."""

from __future__ import annotations

import re
from pathlib import Path

from . import figures as figures_mod
from .loaders import FORMATS, file_text
from .mapping import map_figures
from .meta import detect
from .model import ReportReading
from .outline import headings, required_sections
from .text import mask, normalize, sentence_spans

WORK_DONE = re.compile(r"开展|推进|落实|完善|建立|健全|组织|举办|制定|出台|实现|完成|召开|印发|深化")
MIN_SENTENCE = 8  # shorter pieces (a heading, a date) say nothing about boilerplate


def read_text(text: str, filename: str | None = None, year: int | None = None) -> ReportReading:
    """Read one report's text. `year` overrides the year found in the title."""
    return read_prepared(text, filename, year)[0]


def read_prepared(text: str, filename: str | None = None, year: int | None = None) -> tuple[ReportReading, str]:
    """The reading and the prepared text its offsets point into."""
    norm = normalize(text)
    masked = mask(norm)
    meta = detect(norm)
    if year is not None:
        meta.year = year
    lines = norm.split("\n")
    title_line = next((i for i, line in enumerate(lines) if line.strip() and line.strip() in meta.title), -1)
    outline = headings(norm, title_line)
    spans = sentence_spans(norm)
    found = figures_mod.extract(masked)
    partials = figures_mod.partial_periods(masked, meta.year)
    facts, unmapped = map_figures(norm, masked, found, spans, outline, meta.year, partials, meta.level)
    present = required_sections(norm, outline)
    if not present["measures_and_results"] and not any(h.key == "measures_and_results" for h in outline):
        # No section titled so (an opening, a report without headings): the year's work told in the body —
        # figures of catalogue metrics, or sentences of work done — reports measures and results.
        done = sum(1 for a, b in spans if WORK_DONE.search(masked, a, b))
        present["measures_and_results"] = len(facts) >= 3 or done >= 3
    sentences = [norm[a:b] for a, b in spans if b - a >= MIN_SENTENCE]
    return ReportReading(
        file=filename,
        title=meta.title,
        region=meta.region,
        level=meta.level,
        unit=meta.unit,
        year=meta.year,
        required_sections=present,
        headings=outline,
        facts=facts,
        unmapped=unmapped,
        sentences=sentences,
        chars=len(norm),
    ), norm


def read_file(path, year: int | None = None) -> ReportReading:
    path = Path(path)
    return read_text(file_text(path), filename=path.name, year=year)


def expand(paths) -> list[Path]:
    """Files named, and the readable files inside folders named, in a stable order."""
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in FORMATS and p.is_file()))
        else:
            out.append(path)
    return out


def read_corpus(paths, similarity: bool = True) -> list[ReportReading]:
    """Read several files; with `similarity`, score boilerplate across them and name the closest pairs."""
    readings = [read_file(p) for p in expand(paths)]
    if similarity and len(readings) > 1:
        from .similarity import annotate

        annotate(readings)
    return readings
