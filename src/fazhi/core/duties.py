"""Duties: a step a ledger row still owes, by a date it carries. Each ledger declares its own (`Ledger.duties`);
the to-do centre lists them, the nightly scan warns about them and the calendar step recomputes their dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from fazhi.law.params import param


@dataclass(frozen=True)
class Duty:
    name: str  # stable key within the ledger, e.g. "decide"
    title: str  # what is to be done, in the clerk's words: "作出处理决定"
    due_field: str  # the row's date by which it must be done
    pending: Q  # rows that still owe the step
    # The rule that sets the date: law parameter codes (their citations are shown), or a description when the
    # limit is set elsewhere (an item's 承诺时限 in its 办事指南).
    rules: tuple[str, ...] = ()
    rule_text: str = ""
    step: str = ""  # the workflow step (Action.name) that discharges the duty

    def rule_on(self, day: dt.date) -> str:
        if self.rule_text:
            return self.rule_text
        citations = [param(code, day) for code in self.rules]
        return "；".join(dict.fromkeys(f"{version.name}（{version.citation}）" for version in citations))
