"""The outline of a Chinese official document: 一、 （一） 1. （1） ① headings and 一是…二是… items,
each top-level section classified into the required content items (legal-framework.md §1.3)."""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import lexicon
from .model import REQUIRED_SECTIONS, Heading

CN = "一二三四五六七八九十"
LEVELS = [
    (1, re.compile(rf"^[{CN}]{{1,3}}\s?[、.．]")),
    (2, re.compile(rf"^[(（][{CN}]{{1,3}}[)）]")),
    (3, re.compile(r"^\d{1,2}\s?[.．、](?!\d)")),
    (4, re.compile(r"^[(（]\d{1,2}[)）]")),
    (5, re.compile(r"^[①-⑳]")),
]
ITEM = re.compile(rf"(?:^|(?<=[。；;\n]))\s*([{CN}]{{1,2}})是")
TITLE_END = re.compile(rf"[。；;！？!?]|[{CN}]是(?=[^{CN}])")
KEY_ORDER = ("leader_duties", "shortcomings", "next_year_plan", "other", "measures_and_results")


@lru_cache(maxsize=1)
def _section_patterns() -> dict[str, re.Pattern]:
    lex = lexicon()["sections"]
    return {key: re.compile("|".join(f"(?:{p})" for p in lex[key])) for key in KEY_ORDER}


@lru_cache(maxsize=1)
def _leader_text() -> re.Pattern:
    return re.compile(lexicon()["leader_duties_in_text"])


def classify(title: str, level: int = 1) -> str | None:
    """The required item a heading's title names. Below the top level only the leader's duty is sought:
    a sub-heading such as 问题整改 inside the measures is not the shortcomings section."""
    patterns = _section_patterns()
    keys = KEY_ORDER if level == 1 else ("leader_duties",)
    for key in keys:
        if patterns[key].search(title):
            return key
    return None


def headings(text: str, title_line: int = -1) -> list[Heading]:
    found: list[Heading] = []
    pos = 0
    for number, line in enumerate(text.split("\n")):
        start = pos
        pos += len(line) + 1
        if number == title_line:
            continue
        stripped = line.lstrip(" \t\u3000")
        offset = start + len(line) - len(stripped)
        for level, pattern in LEVELS:
            m = pattern.match(stripped)
            if m:
                rest = stripped[m.end() :]
                end = TITLE_END.search(rest)
                title = rest[: end.start()] if end else rest
                if len(title) > 60:
                    title = title[:60]
                found.append(
                    Heading(level=level, marker=m.group(0).strip(), title=title.strip(), start=offset, end=len(text))
                )
                break
    # A heading's section ends where the next heading of the same or a higher level starts.
    for i, heading in enumerate(found):
        for later in found[i + 1 :]:
            if later.level <= heading.level:
                heading.end = later.start
                break
    top = min((h.level for h in found), default=1)
    if sum(1 for h in found if h.level == top) < 2 and any(h.level > top for h in found):
        # A lone heading at the top level (a stray "一、") does not make the document's outline.
        top = min((h.level for h in found if h.level > top), default=top)
    for heading in found:
        heading.key = classify(heading.title, 1 if heading.level == top else 2)
    return [h for h in found if h.level >= top]


def items(text: str) -> list[tuple[int, str]]:
    """Positions of 一是 二是 … items (a paragraph's inline enumeration)."""
    return [(m.start(1), m.group(1)) for m in ITEM.finditer(text)]


def section_at(position: int, outline: list[Heading]) -> Heading | None:
    """The top-level section holding a position."""
    if not outline:
        return None
    top = min(h.level for h in outline)
    current = None
    for heading in outline:
        if heading.level != top:
            continue
        if heading.start <= position:
            current = heading
        else:
            break
    return current


def path_at(position: int, outline: list[Heading]) -> list[Heading]:
    """The headings above a position, from the top level down."""
    path: list[Heading] = []
    for heading in outline:
        if heading.start > position:
            break
        if heading.start <= position < heading.end:
            path = [h for h in path if h.level < heading.level] + [heading]
    return path


def required_sections(text: str, outline: list[Heading]) -> dict[str, bool]:
    present = dict.fromkeys(REQUIRED_SECTIONS, False)
    for heading in outline:
        if heading.key in present:
            present[heading.key] = True
    if not present["leader_duties"]:
        # Reported in the body without a heading of its own (titles in 《》 are masked, so a cited
        # 《…第一责任人职责规定》 does not count).
        present["leader_duties"] = bool(_leader_text().search(_strip_titles(text)))
    return present


def _strip_titles(text: str) -> str:
    return re.sub(r"《[^《》\n]{1,120}》", "《》", text)
