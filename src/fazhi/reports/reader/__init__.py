"""Reading published 法治政府建设年度报告 back into catalogue metrics (issue 8, the reader).

    from fazhi.reports.reader import read_text, read_file
    reading = read_text(text, filename="x.txt")   # ReportReading: region, level, year, sections, facts …

Pure Python; needs no database. Steps: traditional characters to simplified (OpenCC), title, region, level and
year from the title and opening lines (meta), outline and required sections, figures with their qualifiers
(figures), clauses and their context (mapping.contexts), the rule table (data/rules.yaml), then the metric
lexicon generated from the catalogue (data/metric_lexicon.yaml, lexicon.metric_lexicon) that scores the figures
the rules leave and settles the codes the rules confuse; mixed totals and 均达 lists; figures outside the
catalogue as other_figures with their label. `fazhi reports eval` measures it against a gold file (evaluate).
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
