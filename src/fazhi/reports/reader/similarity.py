"""Boilerplate across a corpus of reports: which sentences stand, nearly the same, in other reports, and
which reports are most alike. MinHash (bottom-k sketches) over character shingles with LSH buckets, in
pure Python.

Linear in the number of sentences:
- a sentence's sketch is the K smallest hashes of its 4-character shingles (one sort, in C);
- its KEYS smallest hashes are its bucket keys: two sentences with Jaccard similarity s share the
  smallest hash with probability s, so near-duplicates meet in a bucket;
- each sentence is compared with at most REPS representatives of each of its buckets (from other
  reports), never with the whole bucket, so a sentence that stands in every report costs the same as a
  rare one; identical sentences are recognised at once by their normal form.
Report pairs: each report is the set of its sentences (a near-duplicate takes the identity of the
sentence it matched); two reports' similarity is the Jaccard index of those sets, exact up to
SMALL_CORPUS reports, beyond that estimated from bottom-k sketches of the reports found through shared
buckets, with a cap on the candidates looked at per report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHINGLE = 4
K = 16  # sentence sketch size
KEYS = 3  # bucket keys per sentence
THRESHOLD = 0.7  # estimated Jaccard of shingle sets above which two sentences are "nearly the same"
REPS = 8  # representatives kept per bucket
DOC_K = 64
DOC_KEYS = 8
DOC_CANDIDATES = 64  # candidate reports looked at per report
TOP_PAIRS = 20
SMALL_CORPUS = 64  # up to this many reports every pair is compared (cheap), so a pair is never missed
MIX = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1
_STRIP = re.compile(r"[\s\W_]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def normal_form(sentence: str) -> str:
    """Figures and punctuation do not make two sentences different."""
    return _STRIP.sub("", _DIGITS.sub("0", sentence))


def _shingles(normal: str) -> list[int]:
    """Every 4-character shingle as a 64-bit integer (UTF-16 code units), read in C by memoryview casts."""
    data = normal.encode("utf-16-le")
    width = 2 * SHINGLE
    if len(data) < width:
        return [int.from_bytes(data, "little") + 1]
    tokens: list[int] = []
    for offset in range(0, width, 2):
        chunk = data[offset:]
        usable = len(chunk) // width * width
        if usable:
            tokens.extend(memoryview(chunk[:usable]).cast("Q").tolist())
    return tokens


def sketch(tokens, k: int) -> tuple[int, ...]:
    """The k smallest hashes: a bottom-k MinHash sketch."""
    return tuple(sorted({(t * MIX) & MASK for t in tokens})[:k])


def sentence_sketch(normal: str) -> tuple[int, ...]:
    return sketch(_shingles(normal), K)


def estimate(a: tuple, b: tuple) -> float:
    """Jaccard similarity estimated from two bottom-k sketches."""
    if a == b:
        return 1.0
    k = min(len(a), len(b))
    union = sorted(set(a) | set(b))[:k]
    sa, sb = set(a), set(b)
    return sum(1 for x in union if x in sa and x in sb) / k if k else 0.0


@dataclass
class CorpusSimilarity:
    boilerplate: list[float]  # per report: share of its sentences found nearly the same elsewhere
    shared: list[list[bool]]  # per report, per sentence
    pairs: list[tuple[int, int, float]]  # most similar report pairs (i, j, estimated Jaccard), best first
    neighbours: list[list[tuple[int, float]]]  # per report: its closest reports
    comparisons: int = 0  # sentence comparisons made: at most KEYS × REPS per sentence


def corpus_similarity(documents: list[list[str]], threshold: float = THRESHOLD) -> CorpusSimilarity:
    """`documents`: each report as its list of sentences."""
    # Two bottom-k sketches of sets with Jaccard J share about 2J/(1+J) of their entries.
    overlap = 2 * threshold / (1 + threshold)
    cache: dict[str, tuple] = {}
    owners: dict[str, object] = {}  # normal form → the first report holding it, or True once in two
    rows: list[list[tuple]] = []
    for d, sentences in enumerate(documents):
        row = []
        for sentence in sentences:
            normal = normal_form(sentence)
            entry = cache.get(normal)
            if entry is None:
                sk = sentence_sketch(normal)
                entry = cache[normal] = (normal, sk, frozenset(sk), len(cache))
            owner = owners.get(normal)
            if owner is None:
                owners[normal] = d
            elif owner is not True and owner != d:
                owners[normal] = True
            row.append(entry)
        rows.append(row)
    buckets: dict[int, list[tuple[int, int]]] = {}
    for d, row in enumerate(rows):
        for s, (normal, sk, _, _) in enumerate(row):
            if owners[normal] is True:
                continue  # verbatim elsewhere: no need to be found through a bucket
            for key in sk[:KEYS]:
                reps = buckets.get(key)
                if reps is None:
                    buckets[key] = [(d, s)]
                elif len(reps) < REPS and all(rd != d for rd, _ in reps):
                    reps.append((d, s))
    # Verbatim sentences are also bucket members for the near-duplicates of other reports.
    for d, row in enumerate(rows):
        for s, (normal, sk, _, _) in enumerate(row):
            if owners[normal] is True:
                for key in sk[:KEYS]:
                    reps = buckets.setdefault(key, [])
                    if len(reps) < REPS and all(rd != d for rd, _ in reps):
                        reps.append((d, s))
    shared: list[list[bool]] = []
    doc_tokens: list[set] = []
    comparisons = 0
    for d, row in enumerate(rows):
        flags = []
        tokens: set = set()
        for normal, sk, members, ident in row:
            if owners[normal] is True:
                flags.append(True)
                tokens.add(ident)
                continue
            hit = False
            checked = set()
            for key in sk[:KEYS]:
                for rep in buckets[key]:
                    if rep[0] == d or rep in checked:
                        continue
                    checked.add(rep)
                    comparisons += 1
                    other = rows[rep[0]][rep[1]]
                    if len(other[2] & members) >= min(len(other[1]), len(sk)) * overlap:
                        hit = True
                        ident = min(ident, other[3])  # a near-duplicate counts as the same sentence
                        break
                if hit:
                    break
            flags.append(hit)
            tokens.add(ident)
        shared.append(flags)
        doc_tokens.append(tokens)
    boilerplate = [round(sum(f) / len(f), 4) if f else 0.0 for f in shared]
    pairs, neighbours = _similar_documents(doc_tokens)
    return CorpusSimilarity(boilerplate, shared, pairs, neighbours, comparisons)


def _similar_documents(doc_tokens: list[set]) -> tuple[list, list]:
    """Reports as sets of sentences (near-duplicates counted as one): Jaccard similarity of those sets,
    exact for a small corpus, else estimated from sketches of the reports found through shared buckets."""
    if len(doc_tokens) <= SMALL_CORPUS:

        def similarity(a, b):
            union = len(doc_tokens[a] | doc_tokens[b])
            return len(doc_tokens[a] & doc_tokens[b]) / union if union else 0.0

        candidates = [[o for o in range(len(doc_tokens)) if o != d] for d in range(len(doc_tokens))]
    else:
        sketches = [sketch(tokens, DOC_K) for tokens in doc_tokens]

        def similarity(a, b):
            return estimate(sketches[a], sketches[b]) if sketches[a] and sketches[b] else 0.0

        buckets: dict[int, list[int]] = {}
        for d, sk in enumerate(sketches):
            for key in sk[:DOC_KEYS]:
                members = buckets.setdefault(key, [])
                if len(members) < DOC_CANDIDATES:
                    members.append(d)
        candidates = []
        for d, sk in enumerate(sketches):
            seen: dict[int, None] = {}
            for key in sk[:DOC_KEYS]:
                for other in buckets[key]:
                    if other != d and len(seen) < DOC_CANDIDATES:
                        seen[other] = None
            candidates.append(list(seen))
    neighbours: list[list[tuple[int, float]]] = []
    best: dict[tuple[int, int], float] = {}
    for d in range(len(doc_tokens)):
        found = [(o, round(similarity(d, o), 4)) for o in candidates[d]]
        found = sorted((x for x in found if x[1] > 0), key=lambda x: (-x[1], x[0]))
        neighbours.append(found[:3])
        for other, value in found[:3]:
            best[(min(d, other), max(d, other))] = value
    pairs = sorted(((a, b, v) for (a, b), v in best.items()), key=lambda x: (-x[2], x[0], x[1]))[:TOP_PAIRS]
    return pairs, neighbours


def annotate(readings) -> CorpusSimilarity:
    """Put each reading's boilerplate score and its closest reports on it."""
    result = corpus_similarity([r.sentences for r in readings])
    for reading, score, near in zip(readings, result.boilerplate, result.neighbours):
        reading.boilerplate = score
        reading.similar = [{"file": readings[j].file, "similarity": v} for j, v in near]
    return result
