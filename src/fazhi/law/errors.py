from django.core.exceptions import ValidationError


class CalendarDataMissing(ValidationError):
    """No holiday data for a year: a working-day deadline there would be a guess, so it is refused."""


class ParameterNotInForce(ValidationError):
    """The parameter asked for has no version in force on the given day."""


class RuleViolation(ValidationError):
    """An action the law forbids; the message names the rule and where it is set."""


class StateConflict(ValidationError):
    """The step does not fit the row's current state (already done, moved on, one already open): HTTP 409."""
