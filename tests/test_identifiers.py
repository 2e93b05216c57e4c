"""统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999): check characters and validation.

Every valid identifier here is synthetic: a random body completed by the module's check functions (python-stdnum's),
whose arithmetic is itself checked against the standards' definitions (weights 3^i mod 31 and 2^(17-i) mod 11).
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.identifiers import (
    PERSON,
    USCC_CHARSET,
    id_check_char,
    uscc_check_char,
    validate_id_number,
    validate_party_id,
    validate_uscc,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
ID_CHARS = "0123456789X"
FORBIDDEN_USCC_LETTERS = "IOZSV"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # GB 32100: the weight of position i is 3^i mod 31


def chinese_message(error: ValidationError) -> str:
    (message,) = error.messages
    assert CJK.search(message), message
    return message


# ── strategies ──────────────────────────────────────────────────────────────────────────────────────
uscc_bodies = st.builds(
    lambda head, region, org: head + region + org,
    st.text(alphabet=USCC_CHARSET, min_size=2, max_size=2),  # 登记管理部门代码 + 机构类别代码
    st.text(alphabet="0123456789", min_size=6, max_size=6),  # 登记管理机关行政区划码
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),  # 主体标识码（组织机构代码）
)
birth_dates = st.dates(dt.date(1900, 1, 1), dt.date.today())
id_bodies = st.builds(
    lambda region, birth, seq: f"{region}{birth:%Y%m%d}{seq:03d}",
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    birth_dates,
    st.integers(0, 999),
)


def valid_uscc(body: str) -> str:
    return body + uscc_check_char(body)


def valid_id(body: str) -> str:
    return body + id_check_char(body)


# ── the arithmetic matches the standards ────────────────────────────────────────────────────────────
def test_the_character_set_is_that_of_the_standard():
    # GB 32100: 31 characters, no I O Z S V.
    assert len(USCC_CHARSET) == len(set(USCC_CHARSET)) == 31
    assert not set(FORBIDDEN_USCC_LETTERS) & set(USCC_CHARSET)


@given(body=uscc_bodies)
def test_uscc_check_char_makes_the_weighted_sum_divisible_by_31(body):
    code = valid_uscc(body)
    assert len(code) == 18 and code[17] in USCC_CHARSET
    values = [USCC_CHARSET.index(c) for c in code]
    # GB 32100: the check char C18 = 31 - (Σ Ci·Wi mod 31), i.e. Σ Ci·Wi + C18 ≡ 0 (mod 31).
    assert (sum(v * w for v, w in zip(values, USCC_WEIGHTS)) + values[17]) % 31 == 0


@given(body=id_bodies)
def test_id_check_char_satisfies_the_iso_7064_mod_11_2_identity(body):
    number = valid_id(body)
    values = [int(c) for c in number[:17]] + [10 if number[17] == "X" else int(number[17])]
    # ISO 7064 MOD 11-2: Σ ai·2^(18-i) ≡ 1 (mod 11), the check digit carrying weight 1.
    assert sum(a * pow(2, 17 - i, 11) for i, a in enumerate(values)) % 11 == 1


# ── fixed, computed examples ────────────────────────────────────────────────────────────────────────
def test_fixed_uscc_example():
    body = "91110000MA0000001"  # synthetic: 工商 enterprise, Beijing, a made-up 主体标识码
    check = uscc_check_char(body)
    assert check == "L"
    validate_uscc(body + check)
    validate_uscc(f"  {body}{check}  ")  # surrounding whitespace is ignored
    assert uscc_check_char("00000000000000000") == "0"
    assert uscc_check_char("10000000000000000") == "Y"  # Σ = 1 → 31 - 1 = 30 → the 31st character


def test_fixed_id_number_example():
    body = "11010520000229001"  # synthetic: born on a leap day, sequence 001
    check = id_check_char(body)
    assert check == "3"
    validate_id_number(body + check)
    assert id_check_char("11010519491231002") == "X"  # GB 11643-1999's own worked example
    validate_id_number("11010519491231002X")
    assert id_check_char("00000019000101000") == "9"  # Σ = 25 ≡ 3 (mod 11) → 9


# ── a valid code passes; any other check character fails with a Chinese message ─────────────────────
@settings(max_examples=200)
@given(body=uscc_bodies)
def test_uscc_with_its_check_char_passes_and_every_other_char_fails(body):
    right = uscc_check_char(body)
    validate_uscc(body + right)
    validate_uscc((body + right).lower())  # letters are read case-insensitively
    for wrong in USCC_CHARSET:
        if wrong == right:
            continue
        with pytest.raises(ValidationError) as caught:
            validate_uscc(body + wrong)
        assert caught.value.code == "uscc_check"
        assert "校验位错误" in chinese_message(caught.value)
    for outside in FORBIDDEN_USCC_LETTERS + "-*# ":
        with pytest.raises(ValidationError) as caught:
            validate_uscc(body + outside)
        assert caught.value.code == "uscc_format"


@settings(max_examples=200)
@given(body=id_bodies)
def test_id_number_with_its_check_char_passes_and_every_other_char_fails(body):
    right = id_check_char(body)
    validate_id_number(body + right)
    for wrong in ID_CHARS:
        if wrong == right:
            continue
        with pytest.raises(ValidationError) as caught:
            validate_id_number(body + wrong)
        assert caught.value.code == "id_check"
        assert "校验位错误" in chinese_message(caught.value)


@given(body=uscc_bodies, position=st.integers(0, 16), data=st.data())
def test_changing_any_single_uscc_character_is_detected(body, position, data):
    code = valid_uscc(body)
    allowed = "0123456789" if 2 <= position <= 7 else USCC_CHARSET
    replacement = data.draw(st.sampled_from([c for c in allowed if c != code[position]]))
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_uscc(code[:position] + replacement + code[position + 1 :])


@given(body=id_bodies, position=st.integers(0, 5), data=st.data())
def test_changing_a_region_digit_of_an_id_number_is_detected(body, position, data):
    number = valid_id(body)
    replacement = data.draw(st.sampled_from([c for c in "0123456789" if c != number[position]]))
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_id_number(number[:position] + replacement + number[position + 1 :])


# ── birth dates ─────────────────────────────────────────────────────────────────────────────────────
def id_with_birth(yyyymmdd: str, region: str = "110105", seq: str = "123") -> str:
    body = f"{region}{yyyymmdd}{seq}"
    assert len(body) == 17
    return valid_id(body)  # a correct check char, so only the date can be at fault


def assert_birth_refused(number: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == "id_birth"
    assert "出生日期无效" in chinese_message(caught.value)


@given(year=st.integers(1900, 2020), month=st.sampled_from([0, 13, 19, 20, 99]), day=st.integers(1, 28))
def test_an_impossible_birth_month_is_refused(year, month, day):
    assert_birth_refused(id_with_birth(f"{year:04d}{month:02d}{day:02d}"))


@given(birth=st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)), extra=st.integers(1, 68))
def test_an_impossible_birth_day_is_refused(birth, extra):
    # A day number past the end of the month (up to 99), or day 00.
    next_month = (birth.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last_day = (next_month - dt.timedelta(days=1)).day
    day = min(last_day + extra, 99)
    assert_birth_refused(id_with_birth(f"{birth:%Y%m}{day:02d}"))
    assert_birth_refused(id_with_birth(f"{birth:%Y%m}00"))


@pytest.mark.parametrize(
    "yyyymmdd", ["19000229", "20230229", "20210431", "20210631", "20211131", "18991231", "08881111"]
)
def test_specific_impossible_or_implausible_birth_dates_are_refused(yyyymmdd):
    assert_birth_refused(id_with_birth(yyyymmdd))


def test_leap_days_are_accepted_in_leap_years_and_future_births_are_refused():
    validate_id_number(id_with_birth("20000229"))  # 2000 is a leap year (divisible by 400)
    validate_id_number(id_with_birth("19960229"))
    validate_id_number(id_with_birth("19000101"))  # the earliest accepted birth date
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert_birth_refused(id_with_birth(f"{tomorrow:%Y%m%d}"))
    validate_id_number(id_with_birth(f"{dt.date.today():%Y%m%d}"))


# ── format: length, characters, case ────────────────────────────────────────────────────────────────
@given(body=uscc_bodies, cut=st.integers(1, 17), extra=st.text(alphabet=USCC_CHARSET, min_size=1, max_size=5))
def test_a_uscc_of_the_wrong_length_is_refused(body, cut, extra):
    code = valid_uscc(body)
    for wrong in (code[:-cut], code + extra):
        with pytest.raises(ValidationError) as caught:
            validate_uscc(wrong)
        assert caught.value.code == "uscc_format"
        assert "18位" in chinese_message(caught.value)


@given(body=id_bodies, cut=st.integers(1, 17), extra=st.text(alphabet="0123456789", min_size=1, max_size=5))
def test_an_id_number_of_the_wrong_length_is_refused(body, cut, extra):
    number = valid_id(body)
    for wrong in (number[:-cut], number + extra):
        with pytest.raises(ValidationError) as caught:
            validate_id_number(wrong)
        assert caught.value.code == "id_format"
        assert "18位" in chinese_message(caught.value)


@given(body=id_bodies, position=st.integers(0, 16), bad=st.sampled_from("Xx-A "))
def test_an_id_number_with_a_letter_before_the_last_place_is_refused(body, position, bad):
    number = valid_id(body)
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number[:position] + bad + number[position + 1 :])
    assert caught.value.code == "id_format"


@given(body=uscc_bodies, position=st.integers(2, 7), letter=st.sampled_from("ABCXY"))
def test_a_uscc_with_a_letter_in_the_region_code_is_refused(body, position, letter):
    code = valid_uscc(body)
    with pytest.raises(ValidationError, match="18位"):
        validate_uscc(code[:position] + letter + code[position + 1 :])


def test_lowercase_is_read_as_uppercase_except_the_letters_the_standard_excludes():
    # The validators normalise case (callers store the upper-cased value); a lowercase spelling of a valid
    # code is therefore valid, while lowercase i o z s v are still refused, and a lowercase letter still needs
    # the right check character.
    code = valid_uscc("91110000MA0000001")
    validate_uscc(code.lower())
    validate_id_number("11010519491231002x")
    for letter in FORBIDDEN_USCC_LETTERS.lower():
        with pytest.raises(ValidationError) as caught:
            validate_uscc(code[:10] + letter + code[11:])
        assert caught.value.code == "uscc_format"
        assert "不含I、O、Z、S、V" in chinese_message(caught.value)
    wrong = "91110000ma0000001" + ("9" if code[17] != "9" else "8")
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_uscc(wrong)
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_id_number("110105194912310021")  # its check char is X, not 1


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(body=uscc_bodies)
def test_non_ascii_digits_in_a_uscc_are_a_format_error_not_a_crash(body):
    # `\d` would match full-width and other Unicode digits, which the check-digit arithmetic cannot read.
    code = valid_uscc(body)
    for lookalike in (code[:2] + code[2:8].translate(FULL_WIDTH) + code[8:], code.translate(FULL_WIDTH)):
        if lookalike == code:
            continue
        with pytest.raises(ValidationError) as caught:
            validate_uscc(lookalike)
        assert caught.value.code == "uscc_format"


@given(body=id_bodies)
def test_an_id_number_in_full_width_digits_is_refused(body):
    number = valid_id(body)
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number[:17].translate(FULL_WIDTH) + number[17])
    assert caught.value.code == "id_format"
    with pytest.raises(ValidationError):
        validate_id_number(number[:6] + "\u0661" + number[7:])  # an Arabic-Indic digit


@pytest.mark.parametrize("value", ["", None, "   ", "９１１１００００ＭＡ００００００１８"])
def test_empty_and_full_width_values_are_refused(value):
    with pytest.raises(ValidationError, match="18位"):
        validate_uscc(value)
    with pytest.raises(ValidationError, match="18位"):
        validate_id_number(value)


# ── rules of the project that python-stdnum's validate() lacks or gets wrong ───────────────────────
def test_letters_in_the_registration_office_and_category_are_accepted():
    # GB 32100 codes its 登记管理部门 and 机构类别 with letters too (N 农业, Y 其他): stdnum wants digits there.
    for head in ("N2", "Y1", "A1"):
        validate_uscc(valid_uscc(head + "110000MA0000001"))


def test_a_region_code_outside_any_county_table_is_accepted():
    # The birthplace is not looked up (stdnum's table refuses codes it does not list: new or synthetic ones).
    validate_id_number(id_with_birth("19800101", region="990100"))


# ── one rule for every ledger with a 自然人 / 法人或其他组织 choice ─────────────────────────────────
def test_the_party_id_rule_follows_the_party_type():
    from fazhi.enforcement.choices import PartyType
    from fazhi.services.choices import ApplicantType

    assert PERSON == PartyType.PERSON == ApplicantType.PERSON
    person_id, entity_code = valid_id("11010519800101123"), valid_uscc("91110000MA0000001")
    validate_party_id(PERSON, person_id)
    validate_party_id("entity", entity_code)
    with pytest.raises(ValidationError) as caught:
        validate_party_id(PERSON, entity_code)
    assert "居民身份证号码" in chinese_message(caught.value)
    with pytest.raises(ValidationError) as caught:
        validate_party_id("entity", person_id)
    assert "统一社会信用代码" in chinese_message(caught.value)
