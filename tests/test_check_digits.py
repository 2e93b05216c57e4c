"""统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999) check digits."""
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core.identifiers import (
    ID_CHECK, USCC_CHARSET, id_check_char, uscc_check_char, validate_id_number, validate_uscc,
)

uscc_bodies = st.builds(
    lambda a, b, region, rest: a + b + region + rest,
    st.sampled_from("159"), st.sampled_from("1239"), st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
)
id_bodies = st.builds(
    lambda region, y, m, d, seq: f"{region}{y:04d}{m:02d}{d:02d}{seq:03d}",
    st.from_regex(r"[1-6][0-9]{5}", fullmatch=True), st.integers(1930, 2010), st.integers(1, 12), st.integers(1, 28),
    st.integers(0, 999),
)


@given(body=uscc_bodies)
def test_uscc_with_its_check_char_passes_and_any_other_fails(body):
    validate_uscc(body + uscc_check_char(body))
    for wrong in USCC_CHARSET:
        if wrong != uscc_check_char(body):
            with pytest.raises(ValidationError, match="校验位错误"):
                validate_uscc(body + wrong)
            break


@given(body=id_bodies)
def test_id_number_with_its_check_char_passes_and_any_other_fails(body):
    validate_id_number(body + id_check_char(body))
    wrong = next(c for c in ID_CHECK if c != id_check_char(body))
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_id_number(body + wrong)


def test_known_values_and_format_errors():
    assert uscc_check_char("91350100M000100Y4") in USCC_CHARSET
    assert id_check_char("11010519491231002") == "X"  # the standard's worked example
    validate_id_number("11010519491231002X")
    validate_id_number("11010519491231002x")  # lower-case x is accepted and read as X
    with pytest.raises(ValidationError, match="出生日期无效"):
        validate_id_number("110105194913310028")
    with pytest.raises(ValidationError, match="18位"):
        validate_id_number("1101051949123100")
    with pytest.raises(ValidationError, match="不含I、O、Z、S、V"):
        validate_uscc("91350100M000100YI4")
