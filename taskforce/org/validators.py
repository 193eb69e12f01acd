"""Validators for the identifiers the system records (rules in shared reference facts).

Each raises ValidationError with a message naming the rule that failed; callers attach the field.
"""

import re

from django.core.exceptions import ValidationError

# GSS statistical geography code: country letter, two-digit entity, six-digit instance (E05005088).
GSS_CODE_RE = re.compile(r"^[EWSNK]\d{8}$")

# UK postcode, outward and inward parts; the outward part has the six shapes A9, A99, AA9, AA99, A9A, AA9A.
POSTCODE_RE = re.compile(
    r"^(GIR 0AA|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]) \d[ABD-HJLNP-UW-Z]{2})$"
)

NINO_RE = re.compile(r"^[A-Z]{2}\d{6}[A-D]$")
NINO_BAD_FIRST = set("DFIQUV")
NINO_BAD_SECOND = set("DFIOQUV")
NINO_NEVER_ISSUED_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}

UPRN_MAX = 999_999_999_999  # up to 12 digits


def normalise_postcode(value: str) -> str:
    """Upper-case, single space before the inward code: 'ct92ab' -> 'CT9 2AB'."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    normalised = normalise_postcode(value)
    if not POSTCODE_RE.match(normalised):
        raise ValidationError(
            "%(value)s is not a UK postcode: expected an outward code such as CT9 and an inward code "
            "such as 2AB (for example CT9 2AB).",
            code="invalid_postcode",
            params={"value": value},
        )


def normalise_nino(value: str) -> str:
    """Upper-case with spaces removed: 'ab 12 34 56 c' -> 'AB123456C'."""
    return re.sub(r"\s+", "", value or "").upper()


def validate_nino(value: str) -> None:
    nino = normalise_nino(value)
    if not NINO_RE.match(nino):
        raise ValidationError(
            "%(value)s is not a National Insurance number: expected two letters, six digits and a "
            "suffix A, B, C or D (for example QQ123456C).",
            code="invalid_nino_format",
            params={"value": value},
        )
    if nino[0] in NINO_BAD_FIRST:
        raise ValidationError(
            "%(value)s is not a National Insurance number: the first letter cannot be D, F, I, Q, U or V.",
            code="invalid_nino_first_letter",
            params={"value": value},
        )
    if nino[1] in NINO_BAD_SECOND:
        raise ValidationError(
            "%(value)s is not a National Insurance number: the second letter cannot be D, F, I, O, Q, U or V.",
            code="invalid_nino_second_letter",
            params={"value": value},
        )
    if nino[:2] in NINO_NEVER_ISSUED_PREFIXES:
        raise ValidationError(
            "%(value)s is not a National Insurance number: the prefix %(prefix)s is never issued.",
            code="invalid_nino_prefix",
            params={"value": value, "prefix": nino[:2]},
        )


def validate_uprn(value: int | str) -> None:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12 or int(text) == 0:
        raise ValidationError(
            "%(value)s is not a UPRN: a Unique Property Reference Number is 1 to 12 digits, not zero.",
            code="invalid_uprn",
            params={"value": value},
        )
    if int(text) > UPRN_MAX:
        raise ValidationError(
            "%(value)s is not a UPRN: more than 12 digits.", code="invalid_uprn", params={"value": value}
        )


def validate_gss_code(value: str) -> None:
    if not GSS_CODE_RE.match(value or ""):
        raise ValidationError(
            "%(value)s is not a GSS code: expected a letter E, W, S, N or K and eight digits (for example E05005088).",
            code="invalid_gss_code",
            params={"value": value},
        )
