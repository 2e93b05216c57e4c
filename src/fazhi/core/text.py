"""What counts as text in a ledger: the same rule for forms, the API and exports."""

import re

from django.core.exceptions import ValidationError

# Characters no one types and an .xlsx cannot hold: a record carrying one could never be exported.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = "不能包含控制字符"


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_character")
