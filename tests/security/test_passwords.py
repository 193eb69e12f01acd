"""Password rules: at least 12 characters, not a common password, not all digits, not like the username."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory


def messages(password: str, user: object = None) -> list[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return list(error.messages)
    return []


def test_a_long_uncommon_password_is_accepted() -> None:
    assert messages("tidal-lantern-ferry-57") == []


def test_eleven_characters_are_too_few() -> None:
    assert any("at least 12 characters" in m for m in messages("gull-harbour"[:11]))


def test_a_common_password_is_refused_even_when_long_enough() -> None:
    assert "This password is too common." in messages("password1234")


def test_an_all_digit_password_is_refused() -> None:
    assert "This password is entirely numeric." in messages("839201748563")


@pytest.mark.django_db
def test_a_password_like_the_username_is_refused() -> None:
    user = UserFactory.build(username="cliftonville.west", first_name="Casey", last_name="Worker")
    assert any("too similar" in m for m in messages("cliftonvillewest", user=user))
