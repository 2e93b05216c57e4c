"""Identifiers that carry a check digit: 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999)."""

import datetime as dt
import re

from django.core.exceptions import ValidationError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$", re.ASCII)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if not USCC_PATTERN.match(code):
        raise ValidationError("统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成", code="uscc_format")
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位错误，请核对", code="uscc_check")


def validate_id_number(value: str) -> None:
    number = (value or "").strip().upper()
    if not ID_PATTERN.match(number):
        raise ValidationError("居民身份证号码应为18位，最后一位可为数字或X", code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("居民身份证号码中的出生日期无效", code="id_birth") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError("居民身份证号码中的出生日期无效", code="id_birth")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError("居民身份证号码校验位错误，请核对", code="id_check")
