"""Random sequences through the API: create, step, PATCH, delete and restore 办件 as different roles, in any order.

A hypothesis state machine drives the real API (Django's test client, session auth) and keeps its own model of
what each 办件 should be. After every call: no 5xx, a refused call changed nothing, an allowed one did what its
step says. At the end of each run `fazhi check`'s invariants find nothing in the database.
"""

import datetime as dt
import itertools

from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from fazhi.core.invariants import violations
from fazhi.services.models import Application

from .factories import make_item, valid_id

ROLES = ["office", "unit_admin", "clerk", "leader"]
STEPS = {
    "accept": lambda day: {"accepted_on": day},
    "refuse": lambda day: {"decided_on": day},
    "decide": lambda day: {"decided_on": day, "outcome": "approved"},
    "stop-clock": lambda day: {"started_on": day, "reason": "expert_review"},
    "resume-clock": lambda day: {"ended_on": day},
}
PATCHES = [
    {"status": "accepted"},
    {"status": "decided"},
    {"decided_on": "2026-12-30"},
    {"accepted_on": "2025-06-01"},
    {"on_time": True},
    {"due_on": "2030-01-01"},
    {"applicant_name": "改名"},
    {"received_on": "2025-06-20"},
    {"outcome": "denied"},
    {"channel": "window"},
]
START = dt.date(2025, 6, 2)
RUNS = itertools.count(1)


class ApplicationMachine(RuleBasedStateMachine):
    applications = Bundle("applications")

    def __init__(self):
        super().__init__()
        self.clients = {}
        self.server_errors = []
        self.count = 0

    @initialize()
    def setup(self):
        # The fixture's tree and users are made once per test; a run adds its own item so runs don't collide.
        world = ApplicationMachine.world
        self.run = next(RUNS)
        self.item = make_item(world["tree"]["town"], code=f"M-{self.run}", promised=3)
        for role in ROLES:
            client = Client()
            client.force_login(world["users"][role])
            self.clients[role] = client

    def call(self, role, method, path, body=None):
        response = getattr(self.clients[role], method)(path, body or {}, content_type="application/json")
        if response.status_code >= 500:
            self.server_errors.append((role, method, path, body, response.status_code))
        return response

    @rule(target=applications, role=st.sampled_from(ROLES), offset=st.integers(0, 20))
    def create(self, role, offset):
        self.count += 1
        body = {
            "unit": self.item.unit_id,
            "item": self.item.pk,
            "number": f"M{self.run}-{self.count}",
            "applicant_type": "person",
            "applicant_name": "张三",
            "applicant_id_number": valid_id(self.count),
            "channel": "online",
            "received_on": (START + dt.timedelta(days=offset)).isoformat(),
        }
        response = self.call(role, "post", reverse("api:applications-list"), body)
        if role == "leader":
            assert response.status_code == 403
            return None
        assert response.status_code == 201, response.content
        return response.json()["id"]

    @rule(pk=applications, role=st.sampled_from(ROLES), step=st.sampled_from(sorted(STEPS)), offset=st.integers(-2, 30))
    def step(self, pk, role, step, offset):
        if pk is None:
            return
        before = snapshot(pk)
        day = (START + dt.timedelta(days=offset)).isoformat()
        response = self.call(role, "post", reverse(f"api:applications-{step}", args=[pk]), STEPS[step](day))
        assert response.status_code in (200, 400, 403, 404, 409), response.content
        if response.status_code != 200:
            assert snapshot(pk) == before
        if role == "leader":
            assert response.status_code == 403

    @rule(pk=applications, role=st.sampled_from(ROLES), patch=st.sampled_from(PATCHES))
    def patch(self, pk, role, patch):
        if pk is None:
            return
        before = snapshot(pk)
        response = self.call(role, "patch", reverse("api:applications-detail", args=[pk]), patch)
        assert response.status_code in (200, 400, 403, 404), response.content
        state = set(patch) & {"status", "decided_on", "accepted_on", "on_time", "due_on", "outcome"}
        if state and response.status_code != 404 and role != "leader":
            assert response.status_code == 400 and set(response.json()) >= state
        if response.status_code != 200:
            assert snapshot(pk) == before

    @rule(pk=consumes(applications), role=st.sampled_from(ROLES))
    def delete(self, pk, role):
        if pk is None:
            return
        response = self.call(role, "delete", reverse("api:applications-detail", args=[pk]) + "?reason=测试删除")
        assert response.status_code in (204, 403, 404, 409)
        if response.status_code == 204:
            assert Application.all_objects.get(pk=pk).is_deleted
            self.deleted = [*getattr(self, "deleted", []), pk]

    @rule(role=st.sampled_from(ROLES), data=st.data())
    def restore(self, role, data):
        deleted = getattr(self, "deleted", [])
        if not deleted:
            return
        pk = data.draw(st.sampled_from(deleted))
        response = self.call(role, "post", reverse("api:applications-restore", args=[pk]))
        assert response.status_code in (200, 403, 404, 409)
        if response.status_code == 200:
            assert not Application.all_objects.get(pk=pk).is_deleted
            deleted.remove(pk)

    @invariant()
    def no_server_error(self):
        assert self.server_errors == []

    def teardown(self):
        found = [str(v) for v in violations()]
        assert found == [], found


def snapshot(pk):
    return Application.all_objects.values().get(pk=pk)


def test_random_api_sequences_keep_every_invariant(tree, users):
    ApplicationMachine.world = {"tree": tree, "users": users}
    run_state_machine_as_test(
        ApplicationMachine,
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
