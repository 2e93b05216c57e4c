"""Masking personal information: 身份证号 and mobile numbers keep their first and last four digits.

A ledger model names its personal fields in `personal_fields`. A value is masked when it is a person's
identifier (a valid 居民身份证号码, a mobile or landline number, an e-mail address); a company's 统一社会信用代码
in the same column is public and stays whole. Who may see values whole is data: `org.choices.PERSONAL_DATA_ROLES`.
"""

from __future__ import annotations

import re

from stdnum.cn import ric

from fazhi.org.choices import PERSONAL_DATA_ROLES

MOBILE = re.compile(r"^\+?(86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def personal_fields(model) -> tuple[str, ...]:
    return tuple(getattr(model, "personal_fields", ()))


def may_see_personal(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "role", None) in PERSONAL_DATA_ROLES)


def _stars(value: str, keep_start: int, keep_end: int) -> str:
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :] if hidden > 0 else "*" * len(value)


RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")


def _is_resident_id(number: str) -> bool:
    """18 characters with the 居民身份证 check digit (a company's code rarely passes; masking one does no harm)."""
    number = number.upper()
    return bool(RESIDENT_ID.match(number)) and ric.calc_check_digit(number) == number[17]


def mask(value):
    """The value as shown to whoever may not see it whole; anything that is not a personal identifier is unchanged."""
    if not isinstance(value, str) or not value:
        return value
    text = value.strip()
    compact = text.replace(" ", "")
    if _is_resident_id(compact):
        return _stars(compact, 4, 4)
    if MOBILE.match(compact):
        return _stars(compact, len(compact) - 8, 4)
    if LANDLINE.match(compact):
        return _stars(compact, 4, 2)
    if EMAIL.match(text):
        name, domain = text.split("@", 1)
        return f"{name[:1]}***@{domain}"
    return value


def is_masked_field(obj, name: str) -> bool:
    return name in personal_fields(type(obj)) and mask(getattr(obj, name, None)) != getattr(obj, name, None)
