"""Reading published 法治政府建设年度报告 back into catalogue metrics (issue 8, the reader).

    from fazhi.reports.reader import read_text, read_file
    reading = read_text(text, filename="x.txt")   # ReportReading: region, level, year, sections, facts …

Pure Python; needs no database. The per-metric keyword rules are data: data/rules.yaml.
"""

from .core import expand, read_corpus, read_file, read_text
from .lexicon import ReaderError
from .model import REQUIRED_SECTIONS, Fact, Figure, Heading, ReportReading

__all__ = [
    "read_text",
    "read_file",
    "read_corpus",
    "expand",
    "ReaderError",
    "ReportReading",
    "Fact",
    "Figure",
    "Heading",
    "REQUIRED_SECTIONS",
]
