import pytest
from django.core.exceptions import ValidationError

from taskforce.org.validators import (
    normalise_nino,
    normalise_postcode,
    validate_gss_code,
    validate_nino,
    validate_postcode,
    validate_uprn,
)


@pytest.mark.parametrize(
    "postcode",
    [
        "CT9 1AB",
        "CT9 2XY",
        "ct92ab",
        "SW1A 1AA",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "W1A 0AX",
        "EC1A 1BB",
    ],
)
def test_uk_postcodes_are_accepted(postcode: str) -> None:
    validate_postcode(postcode)


@pytest.mark.parametrize(
    "postcode",
    ["", "CT9", "CT9 2A", "QT9 2AB", "CT9 2AC", "CT9 2AI", "12345", "CT99 9AAA", "CT9-2AB", "V1 1AA"],
)
def test_malformed_postcodes_are_refused_with_the_rule(postcode: str) -> None:
    with pytest.raises(ValidationError, match="not a UK postcode") as error:
        validate_postcode(postcode)
    assert error.value.code == "invalid_postcode"


def test_postcode_is_normalised_to_upper_case_with_one_space() -> None:
    assert normalise_postcode(" ct9  2ab ") == "CT9 2AB"


@pytest.mark.parametrize("nino", ["AB123456C", "ab 12 34 56 c", "JX000001A", "TA123456D", "ZA123456B"])
def test_valid_national_insurance_numbers_are_accepted(nino: str) -> None:
    validate_nino(nino)


@pytest.mark.parametrize(
    ("nino", "code"),
    [
        ("A1234567C", "invalid_nino_format"),
        ("AB12345C", "invalid_nino_format"),
        ("AB123456E", "invalid_nino_format"),
        ("AB123456", "invalid_nino_format"),
        ("DA123456A", "invalid_nino_first_letter"),
        ("FA123456A", "invalid_nino_first_letter"),
        ("IA123456A", "invalid_nino_first_letter"),
        ("QQ123456C", "invalid_nino_first_letter"),
        ("UA123456A", "invalid_nino_first_letter"),
        ("VA123456A", "invalid_nino_first_letter"),
        ("AD123456A", "invalid_nino_second_letter"),
        ("AF123456A", "invalid_nino_second_letter"),
        ("AI123456A", "invalid_nino_second_letter"),
        ("AO123456A", "invalid_nino_second_letter"),
        ("AQ123456A", "invalid_nino_second_letter"),
        ("AU123456A", "invalid_nino_second_letter"),
        ("AV123456A", "invalid_nino_second_letter"),
        ("BG123456A", "invalid_nino_prefix"),
        ("GB123456A", "invalid_nino_prefix"),
        ("KN123456A", "invalid_nino_prefix"),
        ("NK123456A", "invalid_nino_prefix"),
        ("NT123456A", "invalid_nino_prefix"),
        ("TN123456A", "invalid_nino_prefix"),
        ("ZZ123456A", "invalid_nino_prefix"),
    ],
)
def test_invalid_national_insurance_numbers_name_the_broken_rule(nino: str, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_nino(nino)
    assert error.value.code == code
    assert "not a National Insurance number" in error.value.messages[0]


def test_nino_is_normalised() -> None:
    assert normalise_nino(" ab 12 34 56 c ") == "AB123456C"


@pytest.mark.parametrize("uprn", [1, "1", 100062618451, "999999999999", "000000000123"])
def test_uprns_of_one_to_twelve_digits_are_accepted(uprn: int | str) -> None:
    validate_uprn(uprn)


@pytest.mark.parametrize("uprn", [0, "0", "1000000000000", "12a", "", "-5", "1.5"])
def test_bad_uprns_are_refused(uprn: int | str) -> None:
    with pytest.raises(ValidationError, match="not a UPRN"):
        validate_uprn(uprn)


@pytest.mark.parametrize("code", ["E05005088", "E10000016", "W05000001", "S12000033"])
def test_gss_codes_are_accepted(code: str) -> None:
    validate_gss_code(code)


@pytest.mark.parametrize("code", ["E0500508", "X05005088", "e05005088", "E05005088A", ""])
def test_bad_gss_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError, match="not a GSS code"):
        validate_gss_code(code)
