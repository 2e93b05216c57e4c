"""Self-assessments: review and resubmission as locked steps, through the API, and every invariant broken on purpose."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fazhi.assessment import rules
from fazhi.assessment.models import SelfAssessment
from fazhi.core.invariants import load, violations
from fazhi.core.steps import StateConflict

from .test_assessment import YEAR, framework  # noqa: F401  (the fixture: item "duties", 5 points, self-assessed)

JSON = {"content_type": "application/json"}


def found(code):
    return [v.pk for v in violations([f"assessment.{code}"])]


def submit(unit, item="duties", score=5, year=YEAR):
    return SelfAssessment.objects.create(unit=unit, year=year, item=item, self_score=score, explanation="自评说明")


def test_review_return_and_resubmit_through_the_api(tree, users, client, framework):  # noqa: F811
    assessment = submit(tree["town"])
    url = reverse("api:self-assessments-detail", args=[assessment.pk])
    client.force_login(users["clerk"])
    assert (
        client.post(
            url + "review/", {"reviewed_score": 5, "review_comment": "自己审核", "returned": False}, **JSON
        ).status_code
        == 403
    )
    assert client.post(url + "resubmit/", {"confirm": True}, **JSON).status_code == 409  # nothing was returned
    client.force_login(users["office"])
    response = client.post(
        url + "review/", {"reviewed_score": 0, "review_comment": "佐证材料不全，请补充", "returned": True}, **JSON
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reviewed_score"]) == ("returned", None)
    again = client.post(url + "review/", {"reviewed_score": 3, "review_comment": "x", "returned": False}, **JSON)
    assert again.status_code == 409 and "退回修改" in again.json()["detail"]
    client.force_login(users["clerk"])
    assert client.patch(url, {"explanation": "已补充佐证材料"}, **JSON).status_code == 200
    assert client.post(url + "resubmit/", {"confirm": True}, **JSON).json()["status"] == "submitted"
    client.force_login(users["office"])
    too_high = client.post(url + "review/", {"reviewed_score": 6, "review_comment": "x", "returned": False}, **JSON)
    assert too_high.status_code == 400 and "5分" in str(too_high.json())
    response = client.post(
        url + "review/", {"reviewed_score": 4, "review_comment": "佐证齐全", "returned": False}, **JSON
    )
    assert response.status_code == 200 and (response.json()["status"], response.json()["reviewed_score"]) == (
        "reviewed",
        4,
    )
    assert (
        client.post(
            url + "review/", {"reviewed_score": 5, "review_comment": "再审", "returned": False}, **JSON
        ).status_code
        == 409
    )
    assessment.refresh_from_db()
    assert assessment.reviewed_by == users["office"] and assessment.reviewed_at is not None
    steps = [h.history_change_reason for h in assessment.history.order_by("history_date") if h.history_change_reason]
    assert steps == ["审核自评", "重新提交自评", "审核自评"]


def test_a_half_point_score_through_the_api(tree, users, client, framework):  # noqa: F811
    assessment = submit(tree["town"])
    client.force_login(users["office"])
    response = client.post(
        reverse("api:self-assessments-review", args=[assessment.pk]),
        {"reviewed_score": 3.5, "review_comment": "酌情扣分"},
        **JSON,
    )
    assert response.status_code == 200 and response.json()["reviewed_score"] == 3.5
    returned = submit(tree["dept"])
    response = client.post(
        reverse("api:self-assessments-review", args=[returned.pk]),
        {"review_comment": "请补充佐证", "returned": True},
        **JSON,
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"  # no score to give


def test_review_state_is_read_only_in_the_api(tree, users, client, framework):  # noqa: F811
    assessment = submit(tree["town"])
    client.force_login(users["office"])
    for change in [
        {"status": "reviewed"},
        {"reviewed_score": 5},
        {"review_comment": "好"},
        {"reviewed_by": users["office"].pk},
    ]:
        response = client.patch(reverse("api:self-assessments-detail", args=[assessment.pk]), change, **JSON)
        assert response.status_code == 400 and "办理步骤" in str(response.json()), change
    assessment.refresh_from_db()
    assert (assessment.status, assessment.reviewed_score, assessment.review_comment) == ("submitted", None, "")


def test_steps_on_a_deleted_self_assessment_are_refused(tree, users, client, framework):  # noqa: F811
    assessment = submit(tree["town"])
    assessment.soft_delete(users["clerk"], "重复提交")
    with pytest.raises(StateConflict, match="回收站"):
        rules.review(assessment, 4, "佐证齐全")
    client.force_login(users["office"])
    response = client.post(
        reverse("api:self-assessments-review", args=[assessment.pk]),
        {"reviewed_score": 4, "review_comment": "佐证齐全", "returned": False},
        **JSON,
    )
    assert response.status_code == 404
    assert SelfAssessment.all_objects.get(pk=assessment.pk).status == "submitted"


def test_a_review_needs_its_comment_and_a_score(tree, framework):  # noqa: F811
    assessment = submit(tree["town"])
    with pytest.raises(ValidationError, match="审核意见"):
        rules.review(assessment, 4, " ")
    with pytest.raises(ValidationError, match="审核得分"):
        rules.review(assessment, None, "佐证齐全")
    assert SelfAssessment.objects.get(pk=assessment.pk).status == "submitted"


# -- invariants ------------------------------------------------------------------------------------------
def test_stepped_self_assessments_satisfy_every_invariant(tree, framework):  # noqa: F811
    rules.review(submit(tree["town"]), 4.5, "佐证齐全")
    returned = rules.review(submit(tree["dept"]), None, "请补充", returned=True)
    rules.resubmit(returned)
    rules.review(submit(tree["county"]), None, "请补充", returned=True)
    submit(tree["dept2"])
    codes = sorted(code for code in load() if code.startswith("assessment."))
    assert codes == ["assessment.scores_within_the_item_points", "assessment.self_assessment_status_matches_review"]
    assert [str(v) for v in violations(codes)] == []


def test_self_assessment_invariants_find_rows_written_around_the_steps(tree, framework):  # noqa: F811
    reviewed = rules.review(submit(tree["town"]), 4, "佐证齐全")
    waiting = submit(tree["dept"])
    rows = SelfAssessment.all_objects.filter

    rows(pk=waiting.pk).update(status="reviewed", reviewed_score=4)  # never went through the review step
    assert found("self_assessment_status_matches_review") == [waiting.pk]
    rows(pk=waiting.pk).update(status="submitted", reviewed_score=None)
    rows(pk=reviewed.pk).update(status="returned")
    assert found("self_assessment_status_matches_review") == [reviewed.pk]
    rows(pk=reviewed.pk).update(status="reviewed")

    rows(pk=reviewed.pk).update(reviewed_score=6)
    assert found("scores_within_the_item_points") == [reviewed.pk]
    rows(pk=reviewed.pk).update(reviewed_score=4)
    rows(pk=waiting.pk).update(item="online")  # computed from data, never self-assessed
    assert found("scores_within_the_item_points") == [waiting.pk]
    rows(pk=waiting.pk).update(item="duties")

    assert [str(v) for v in violations([c for c in load() if c.startswith("assessment.")])] == []


def test_a_second_self_assessment_of_an_item_is_a_400_not_a_database_error(tree, users, client, framework):  # noqa: F811
    submit(tree["town"])
    client.force_login(users["clerk"])
    payload = {"unit": tree["town"].pk, "year": YEAR, "item": "duties", "self_score": 4, "explanation": "再次自评"}
    response = client.post(reverse("api:self-assessments-list"), payload, **JSON)
    assert response.status_code == 400 and "已提交该指标项的自评" in str(response.json())
    SelfAssessment.objects.get().soft_delete(users["clerk"], "重新自评")
    assert client.post(reverse("api:self-assessments-list"), payload, **JSON).status_code == 201
