"""The random draw of 双随机, as pure functions of its inputs: no database, no clock, no global randomness.

Algorithm ``fazhi-draw/1``, specified here so that anyone can re-implement and check a published draw:

1. Inputs: per credit-risk class A–E the candidate entity ids in ascending order, the ratio of each class in
   hundredths of a percent, the inspector pool as (officer id, department id) in ascending officer id, the
   declared conflicts as (entity id, officer id) pairs, the team size, and a 128-bit seed.
2. The generator is Python's MT19937 (``random.Random(seed)``); only ``getrandbits`` is used, whose output
   for a given seed has been stable across Python versions, so the result does not depend on the version's
   ``random.sample`` implementation.
3. Class by class in the order A–E, k = ceil(N × ratio) entities (at most N) are chosen from the N candidates
   by Floyd's algorithm (uniform over all k-subsets) with rejection sampling for uniform integers; the chosen
   positions are visited in ascending order.
4. Inspectors are taken in rounds, department by department (departments in ascending id): a round is a
   Fisher–Yates shuffle (``below`` for each swap, from the last position down) of the department's officers
   in ascending id, first all of them, later those who served in the previous round; the next inspector is
   the last of the round's list. For the i-th drawn entity, member j of its team comes from department
   ((i + j) mod D), or the next department that has an inspector free of conflict. An inspector in conflict
   is passed over (the last one free of conflict is taken and its place filled by the list's last), and
   serves later in the round; only when no one left in the round is free are those who already served
   considered. Members return to their department after the team is complete, so nobody serves twice in a
   team; every inspector serves once per round, so loads differ by at most one. The first member leads.
5. The hashes are SHA-256 of 64-bit little-endian integers (binary, so that a million ids hash in
   milliseconds). Candidates: for each class A–E, the class letter (ASCII), the count, then the ids.
   Inspectors: ``b"inspectors"``, the count, then officer and department of each; ``b"conflicts"``, the
   count, then entity and officer of each conflict. Result: the number of drawn entities, then for each in
   draw order its id, its team size and its team's officer ids.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import sys
import zlib
from array import array
from dataclasses import dataclass, field

ALGORITHM = "fazhi-draw/1"
CLASSES = ("A", "B", "C", "D", "E")
RATIO_SCALE = 10_000  # ratios are given in hundredths of a percent: 3.00% is 300


class NotEnoughInspectors(Exception):
    def __init__(self, entity_id: int, found: int, needed: int):
        self.entity_id, self.found, self.needed = entity_id, found, needed
        super().__init__(f"entity {entity_id}: {found} of {needed} inspectors")


@dataclass
class DrawInputs:
    strata: dict[str, array]  # class -> ascending candidate ids
    ratios: dict[str, int]  # class -> ratio in hundredths of a percent
    inspectors: list[tuple[int, int]]  # (officer id, department id), ascending officer id
    conflicts: list[tuple[int, int]]  # (entity id, officer id), sorted
    team_size: int

    @property
    def candidates_total(self) -> int:
        return sum(len(ids) for ids in self.strata.values())


@dataclass
class DrawResult:
    entities: list[tuple[int, str]] = field(default_factory=list)  # (entity id, class) in draw order
    teams: list[list[int]] = field(default_factory=list)  # officer ids per entity, leader first
    counts: dict[str, int] = field(default_factory=dict)


# -- uniform choices -----------------------------------------------------------------------------------------
def below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n), by rejection from getrandbits."""
    bits = n.bit_length()
    value = rng.getrandbits(bits)
    while value >= n:
        value = rng.getrandbits(bits)
    return value


def sample_positions(rng: random.Random, n: int, k: int) -> list[int]:
    """k distinct positions out of n, uniform over all k-subsets (Floyd), in ascending order."""
    if k >= n:
        return list(range(n))
    chosen: set[int] = set()
    for j in range(n - k, n):
        t = below(rng, j + 1)
        chosen.add(j if t in chosen else t)
    return sorted(chosen)


def stratum_size(n: int, ratio: int) -> int:
    """ceil(n × ratio), exactly, capped at n."""
    return min(n, -(-n * ratio // RATIO_SCALE))


# -- the draw --------------------------------------------------------------------------------------------------
def draw(inputs: DrawInputs, seed: int) -> DrawResult:
    rng = random.Random(seed)
    result = DrawResult()
    for cls in CLASSES:
        ids = inputs.strata.get(cls, ())
        k = stratum_size(len(ids), inputs.ratios.get(cls, 0))
        result.counts[cls] = k
        if k:
            result.entities.extend((ids[p], cls) for p in sample_positions(rng, len(ids), k))
    result.teams = assign(inputs, [entity for entity, _ in result.entities], rng)
    return result


def shuffle(rng: random.Random, items: list) -> list:
    """Fisher–Yates from the last position down, with `below` for each swap."""
    for i in range(len(items) - 1, 0, -1):
        j = below(rng, i + 1)
        items[i], items[j] = items[j], items[i]
    return items


class _Department:
    """Inspectors of one department taken in rounds: everyone once, in a fresh random order each round."""

    __slots__ = ("queue", "used", "rng")

    def __init__(self, officers: list[int], rng: random.Random):
        self.rng, self.used = rng, []
        self.queue = shuffle(rng, officers)

    def take(self, barred) -> int | None:
        if not self.queue and self.used:
            self.queue, self.used = shuffle(self.rng, self.used), []
        queue = self.queue
        if barred is None:
            return queue.pop() if queue else None
        for pool in (queue, self.used):  # the used ones only when everyone left this round must step aside
            for k in range(len(pool) - 1, -1, -1):
                if pool[k] not in barred:
                    officer = pool[k]
                    pool[k] = pool[-1]
                    pool.pop()
                    return officer
        return None


def assign(inputs: DrawInputs, entities: list[int], rng: random.Random) -> list[list[int]]:
    """Teams of `team_size` per entity: departments mixed, conflicts avoided, load balanced."""
    members: dict[int, list[int]] = {}
    for officer, dept in inputs.inspectors:
        members.setdefault(dept, []).append(officer)
    departments = [_Department(members[dept], rng) for dept in sorted(members)]
    conflicts: dict[int, set[int]] = {}
    for entity, officer in inputs.conflicts:
        conflicts.setdefault(entity, set()).add(officer)
    size, count = inputs.team_size, len(departments)
    teams = []
    for i, entity in enumerate(entities):
        barred = conflicts.get(entity)
        team, taken = [], []
        for j in range(size):
            for step in range(count):
                department = departments[(i + j + step) % count]
                queue = department.queue
                if barred is None and queue:  # the common case, inline
                    officer = queue.pop()
                else:
                    officer = department.take(barred)
                    if officer is None:
                        continue
                team.append(officer)
                taken.append(department)
                break
            else:
                raise NotEnoughInspectors(entity, len(team), size)
        for officer, department in zip(team, taken):  # back only now: nobody serves twice in one team
            department.used.append(officer)
        teams.append(team)
    return teams


# -- fingerprints ----------------------------------------------------------------------------------------------
def _int64_le(ids) -> bytes:
    values = ids if isinstance(ids, array) and ids.typecode == "q" else array("q", ids)
    if sys.byteorder != "little":
        values = array("q", values)
        values.byteswap()
    return values.tobytes()


def candidates_hash(strata: dict[str, array]) -> str:
    h = hashlib.sha256()
    for cls in CLASSES:
        ids = strata.get(cls, ())
        h.update(cls.encode("ascii") + struct.pack("<q", len(ids)))
        h.update(_int64_le(ids))
    return h.hexdigest()


def inspectors_hash(inspectors, conflicts) -> str:
    h = hashlib.sha256(b"inspectors" + struct.pack("<q", len(inspectors)))
    h.update(_int64_le([v for pair in inspectors for v in pair]))
    h.update(b"conflicts" + struct.pack("<q", len(conflicts)))
    h.update(_int64_le([v for pair in conflicts for v in pair]))
    return h.hexdigest()


def result_hash(entities: list[int], teams: list[list[int]]) -> str:
    flat = []
    for entity, team in zip(entities, teams):
        flat.append(entity)
        flat.append(len(team))
        flat.extend(team)
    return hashlib.sha256(struct.pack("<q", len(entities)) + _int64_le(flat)).hexdigest()


# -- frozen inputs ---------------------------------------------------------------------------------------------
def _planes(raw: bytes) -> bytes:
    """Byte k of every 64-bit integer together, k = 0…7: sorted ids have long runs of equal high bytes, which
    zlib then compresses six times better, and faster, than the integers as they lie in memory."""
    return b"".join(raw[k::8] for k in range(8))


def _unplanes(shuffled: bytes) -> bytes:
    out, step = bytearray(len(shuffled)), len(shuffled) // 8
    for k in range(8):
        out[k::8] = shuffled[k * step : (k + 1) * step]
    return bytes(out)


def freeze(inputs: DrawInputs) -> bytes:
    """The inputs as one compressed blob: a JSON header, then the id arrays (64-bit little-endian integers,
    byte planes apart), zlib level 1."""
    parts = [_planes(_int64_le(inputs.strata.get(cls, ()))) for cls in CLASSES]
    parts.append(_planes(_int64_le([v for pair in inputs.inspectors for v in pair])))
    parts.append(_planes(_int64_le([v for pair in inputs.conflicts for v in pair])))
    header = json.dumps(
        {
            "algorithm": ALGORITHM,
            "ratios": inputs.ratios,
            "team_size": inputs.team_size,
            "lengths": [len(p) for p in parts],
            "layout": "int64-le-byte-planes",
        }
    ).encode()
    return zlib.compress(struct.pack(">I", len(header)) + header + b"".join(parts), 1)


def _ids(raw: bytes) -> array:
    values = array("q")
    values.frombytes(_unplanes(raw))
    if sys.byteorder != "little":
        values.byteswap()
    return values


def thaw(blob: bytes) -> DrawInputs:
    raw = zlib.decompress(bytes(blob))
    (size,) = struct.unpack(">I", raw[:4])
    header = json.loads(raw[4 : 4 + size])
    offset, chunks = 4 + size, []
    for length in header["lengths"]:
        chunks.append(_ids(raw[offset : offset + length]))
        offset += length
    inspectors, conflicts = chunks[5], chunks[6]
    return DrawInputs(
        strata=dict(zip(CLASSES, chunks[:5])),
        ratios=header["ratios"],
        team_size=header["team_size"],
        inspectors=list(zip(inspectors[0::2], inspectors[1::2])),
        conflicts=list(zip(conflicts[0::2], conflicts[1::2])),
    )
