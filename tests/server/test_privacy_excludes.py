"""Exclude globs and hidden names on their own: what is kept out, what is not."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from helix_lsp.server.paths import (
    DEFAULT_EXCLUDES,
    Excludes,
    NameHider,
    backup_originals,
    locate,
    make_folder,
)

DEFAULTS = Excludes(DEFAULT_EXCLUDES)


@pytest.mark.parametrize("path", [
    ".ENV", "config/.Env.Local", "KEY.PEM", "certs/Server.Crt", "id_RSA", "home/.SSH/config",
    "Secrets.YAML",
])
def test_secrets_are_excluded_in_any_case(path: str) -> None:
    assert DEFAULTS.matches(path)


@pytest.mark.parametrize("path", [
    ".env~", ".env.bak", "config/.env.BAK", "tls.key.orig", "id_rsa.old", "server.pem.~3~",
    ".id_rsa.swp", ".id_ed25519.swo", ".env.un~", "#.env#", ".#credentials.json",
    "tls.key___jb_tmp___", ".server.pem.kate-swp", "secrets.yaml.save", "app.key.tmp",
])
def test_editor_backups_of_secrets_are_excluded(path: str) -> None:
    assert DEFAULTS.matches(path)


@pytest.mark.parametrize("path", [
    "src/app.py~", "src/app.py.bak", ".app.py.swp", "#notes.md#", "backup.bak", "~", ".bak",
    "Environment.py", "docs/KEYS.md", "old/.swp",
])
def test_backups_of_ordinary_files_are_recorded(path: str) -> None:
    assert not DEFAULTS.matches(path)


def test_the_clients_globs_cover_case_and_backups_too() -> None:
    ex = Excludes(["private/**", "*.sqlite"])
    assert ex.matches("Private/plan.md") and ex.matches("private/plan.md~")
    assert ex.matches("data/App.SQLITE") and ex.matches("data/.app.sqlite.swp")
    assert not ex.matches("public/plan.md~")


def test_a_secret_folder_opened_as_the_workspace_is_not_recorded(tmp_path: Path) -> None:
    ex = Excludes([*DEFAULT_EXCLUDES, "secrets/**"])
    for name, inside in ((".ssh", "config"), (".aws", "credentials"), (".gnupg", "gpg.conf")):
        folder = make_folder(str(tmp_path / "home" / name), None, None)
        assert folder is not None
        assert ex.excludes(locate(str(tmp_path / "home" / name / inside), [folder], "p"))
    work = make_folder(str(tmp_path / "secrets" / "app"), None, None)  # "secrets/**" is relative
    assert work is not None
    assert not ex.excludes(locate(str(tmp_path / "secrets" / "app" / "main.py"), [work], "p"))


def test_backup_originals() -> None:
    assert backup_originals("app.py") == []
    assert backup_originals(".env~") == [".env", "env"]
    assert backup_originals("#id_rsa#") == ["id_rsa"]
    assert backup_originals("key.pem.bak~") == ["key.pem"]


def test_hidden_names_depend_on_the_secret_and_are_not_a_plain_hash() -> None:
    one, other = NameHider(b"a" * 32), NameHider(b"b" * 32)
    assert one("src/main.py") == NameHider(b"a" * 32)("src/main.py")
    assert one("src/main.py") != other("src/main.py")
    assert one("src/main.py") != one("src/main.pyc")
    plain = hashlib.sha256(b"src/main.py").hexdigest()[:16]
    assert plain not in one("src/main.py")
