"""Production settings: `check --deploy` is clean, and the site refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, unset: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG", *unset}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_in_production_mode() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="taskforce.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check", DJANGO_DEBUG="false", ALLOWED_HOSTS="taskforce.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_mode_refuses_to_start_without_allowed_hosts() -> None:
    result = manage("check", DJANGO_DEBUG="false", SECRET_KEY="y" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_a_clone_set_up_by_make_runs_manage_commands_as_the_readme_writes_them(tmp_path: Path) -> None:
    """`make` writes .env (development mode); the README's commands then need nothing in the environment."""
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\n")
    result = manage(
        "check",
        unset=("DATABASE_URL",),  # the embedded default, as a fresh clone has it
        TASKFORCE_ENV_FILE=str(env_file),
        TASKFORCE_VAR_DIR=str(tmp_path / "var"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The SQLite file's folder is made by the settings, so `migrate` works before anything made var/.
    assert (tmp_path / "var").is_dir()
    # No banner on every command: django-axes is quiet.
    assert "AXES" not in result.stdout + result.stderr


def test_without_the_development_file_the_site_is_in_production_mode(tmp_path: Path) -> None:
    result = manage("check", TASKFORCE_ENV_FILE=str(tmp_path / "absent.env"))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_the_environment_wins_over_the_development_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=true\n")
    result = manage("check", TASKFORCE_ENV_FILE=str(env_file), DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
