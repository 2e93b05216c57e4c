"""Identifiers that carry a check digit: 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999).

The check characters are python-stdnum's (stdnum.cn.uscc, stdnum.cn.ric); the format rules, the birth date and
the Chinese messages that name the part at fault are the project's. stdnum's own validate() is not used: for a
统一社会信用代码 it wants the first eight characters to be digits, where GB 32100 lets the 登记管理部门代码 and
机构类别代码 be letters (N 农业, Y 其他, ...); for a 身份证号 it looks the birthplace up in its table of county
codes, which refuses any code it does not list, and it takes birth dates before 1900 or in the future.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from stdnum.cn import ric, uscc

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)
ID_PATTERN = re.compile(r"^\d{17}[\dX]$", re.ASCII)

# The value of the 申请人/当事人类型 choice (自然人) in every ledger that records one: the others are 法人或其他组织.
PERSON = "person"


def uscc_check_char(first17: str) -> str:
    return uscc.calc_check_digit(first17)


def id_check_char(first17: str) -> str:
    return ric.calc_check_digit(first17 + "?")  # stdnum reads a whole number and skips its last character


def validate_uscc(value: str) -> None:
    code = (value or "").strip().upper()
    if not USCC_PATTERN.match(code):
        raise ValidationError("统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成", code="uscc_format")
    if uscc.calc_check_digit(code) != code[17]:
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
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError("居民身份证号码校验位错误，请核对", code="id_check")


def validate_party_id(party_type: str, number: str) -> None:
    """The number of an applicant or a party: a 身份证号 for a 自然人, else a 统一社会信用代码."""
    if party_type == PERSON:
        validate_id_number(number)
    else:
        validate_uscc(number)
