"""Text preparation that keeps every character at its place, so spans found later point into the original.

normalize(): full-width digits and signs to ASCII (one character for one).
mask():      numerals of fixed expressions (一网通办, 一是 …) and the inside of 《titles》 become □, so that
             they are neither figures nor context.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import lexicon

BLANK = "□"
_FULL = "０１２３４５６７８９％．（）～＋－：；，　"
_HALF = "0123456789%.()~+-:;, "
# ；→; and ，→, would change nothing for splitting but keep Chinese punctuation for quotes: only the rest.
_TABLE = str.maketrans({f: h for f, h in zip(_FULL, _HALF) if f not in "；，："})
CN_NUMERALS = "零〇一二两三四五六七八九十百千万亿"

SENTENCE_END = "。！？!?\n"
HARD = "，,；;：:" + SENTENCE_END
SOFT = HARD + "、"


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s), one character for one so that offsets hold: where a
    phrase conversion changes the length, the text is converted character by character instead."""
    if text.isascii():
        return text
    converter = _t2s()
    out = converter.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        c = converter.convert(ch)
        chars.append(c if len(c) == 1 else ch)
    return "".join(chars)


def normalize(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return simplified(text).translate(_TABLE)


@lru_cache(maxsize=1)
def _masked_terms() -> re.Pattern:
    terms = sorted(set(lexicon()["masked_terms"]), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms))


_TITLE = re.compile(r"《[^《》\n]{1,120}》")
_NUMERAL_CHARS = re.compile(f"[{CN_NUMERALS}0-9]")


def mask(text: str) -> str:
    def blank_numerals(m):
        return _NUMERAL_CHARS.sub(BLANK, m.group(0))

    def blank_title(m):
        return "《" + BLANK * (len(m.group(0)) - 2) + "》"

    text = _TITLE.sub(blank_title, text)
    return _masked_terms().sub(blank_numerals, text)


_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ended by 。！？ or a line break; blanks trimmed."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in " \t\u3000":
            start += 1
        while end > start and text[end - 1] in " \t\u3000":
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


_PDF_HEADING = re.compile(
    r"^\s*([一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、](?!\d)|[①-⑳])"
)


def join_wrapped_lines(text: str) -> str:
    """PDF text breaks paragraphs at the page width: join a line to the next unless it ends a sentence."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if (
            out
            and out[-1]
            and stripped
            and out[-1][-1] not in "。！？：；:;!?"
            and not _PDF_HEADING.match(stripped)
            and len(out[-1]) > 20
        ):
            out[-1] += stripped
        else:
            out.append(stripped)
    return "\n".join(out)
