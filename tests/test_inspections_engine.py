"""The draw engine on its own (no database): uniformity, reproducibility, teams, conflicts and load balance."""

import itertools
import random
from array import array
from collections import Counter

import pytest

from fazhi.inspections import draw as engine

# Upper 0.1% points of the chi-square distribution (statistical tables), by degrees of freedom.
CHI2_999 = {4: 18.467, 7: 24.322, 9: 27.877, 19: 43.820, 24: 51.179}
SEEDS = range(3000)  # fixed: the test is repeatable, and a failure is a real one


def chi_square(observed, expected) -> float:
    return sum((o - expected) ** 2 / expected for o in observed)


def inputs(strata, ratios, inspectors=((1, 1), (2, 1), (3, 1)), conflicts=(), team_size=2):
    return engine.DrawInputs(
        strata={cls: array("q", ids) for cls, ids in strata.items()},
        ratios=ratios,
        inspectors=list(inspectors),
        conflicts=sorted(conflicts),
        team_size=team_size,
    )


STRATA = {"A": list(range(100, 120)), "C": list(range(500, 525, 1)), "E": list(range(900, 908))}
RATIOS = {"A": 1500, "C": 2000, "E": 5000}  # 15%, 20%, 50% → 3, 5, 4 entities


def test_each_stratum_is_drawn_uniformly_over_many_seeds():
    data = inputs(STRATA, RATIOS)
    counts = {cls: Counter() for cls in STRATA}
    for seed in SEEDS:
        result = engine.draw(data, seed)
        assert result.counts == {"A": 3, "B": 0, "C": 5, "D": 0, "E": 4}
        for entity, cls in result.entities:
            counts[cls][entity] += 1
    for cls, ids in STRATA.items():
        k = result.counts[cls]
        expected = len(SEEDS) * k / len(ids)
        statistic = chi_square([counts[cls][i] for i in ids], expected)
        assert statistic < CHI2_999[len(ids) - 1], (cls, statistic)
        assert sum(counts[cls].values()) == len(SEEDS) * k  # nothing drawn outside its stratum


def test_every_subset_of_a_stratum_is_equally_likely():
    """Uniform over k-subsets, not only over single entities: 5 choose 2 = 10 subsets."""
    data = inputs({"B": [11, 12, 13, 14, 15]}, {"B": 4000})
    subsets = Counter(tuple(e for e, _ in engine.draw(data, seed).entities) for seed in SEEDS)
    assert set(subsets) == set(itertools.combinations([11, 12, 13, 14, 15], 2))
    assert chi_square(subsets.values(), len(SEEDS) / 10) < CHI2_999[9]


def test_positions_are_uniform_at_scale():
    """Floyd's sampling over a large stratum: the position deciles are uniform."""
    n, k = 100_000, 3_000
    deciles = Counter()
    for seed in range(20):
        for p in engine.sample_positions(random.Random(seed), n, k):
            deciles[p * 10 // n] += 1
    assert chi_square([deciles[d] for d in range(10)], 20 * k / 10) < CHI2_999[9]


def test_same_seed_same_draw_and_a_different_seed_differs():
    data = inputs(STRATA, RATIOS)
    first, again, other = engine.draw(data, 42), engine.draw(data, 42), engine.draw(data, 43)
    assert first.entities == again.entities and first.teams == again.teams
    assert first.entities != other.entities


def test_stratum_size_is_the_exact_ceiling():
    assert engine.stratum_size(1000, 300) == 30
    assert engine.stratum_size(1001, 300) == 31
    assert engine.stratum_size(7, 0) == 0
    assert engine.stratum_size(7, 10_000) == 7
    assert engine.stratum_size(3, 1) == 1  # any positive ratio of a non-empty stratum draws at least one


def test_teams_have_distinct_inspectors_and_balanced_load():
    pool = [(officer, 1) for officer in range(1, 11)]
    data = inputs({"C": list(range(1, 201))}, {"C": 10_000}, inspectors=pool, team_size=2)
    result = engine.draw(data, 7)
    assert len(result.teams) == 200
    assert all(len(set(team)) == 2 for team in result.teams)
    load = Counter(officer for team in result.teams for officer in team)
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == 400


def test_conflicts_are_never_assigned():
    pool = [(officer, 1) for officer in range(1, 6)]
    conflicts = [(entity, officer) for entity in range(1, 51) for officer in (1, 2) if entity % 2 == 0]
    data = inputs({"D": list(range(1, 51))}, {"D": 10_000}, inspectors=pool, conflicts=conflicts, team_size=2)
    result = engine.draw(data, 3)
    for (entity, _), team in zip(result.entities, result.teams):
        assert not {(entity, officer) for officer in team} & set(conflicts)


def test_too_few_inspectors_free_of_conflict_is_an_error():
    pool = [(1, 1), (2, 1), (3, 1)]
    conflicts = [(5, 1), (5, 2)]
    data = inputs({"C": [4, 5, 6]}, {"C": 10_000}, inspectors=pool, conflicts=conflicts, team_size=2)
    with pytest.raises(engine.NotEnoughInspectors) as error:
        engine.draw(data, 1)
    assert error.value.entity_id == 5 and error.value.found == 1


def test_joint_teams_mix_departments():
    pool = [(officer, 1) for officer in range(1, 6)] + [(officer, 2) for officer in range(6, 11)]
    data = inputs({"B": list(range(1, 41))}, {"B": 10_000}, inspectors=pool, team_size=2)
    departments = dict(pool)
    for team in engine.draw(data, 11).teams:
        assert {departments[officer] for officer in team} == {1, 2}


def test_frozen_inputs_round_trip_with_their_hashes():
    data = inputs(STRATA, RATIOS, conflicts=[(100, 2), (903, 1)])
    thawed = engine.thaw(engine.freeze(data))
    assert engine.candidates_hash(thawed.strata) == engine.candidates_hash(data.strata)
    assert engine.inspectors_hash(thawed.inspectors, thawed.conflicts) == engine.inspectors_hash(
        data.inspectors, data.conflicts
    )
    assert engine.draw(thawed, 5).teams == engine.draw(data, 5).teams
    assert engine.candidates_hash({"A": array("q", [1, 2])}) != engine.candidates_hash({"B": array("q", [1, 2])})
