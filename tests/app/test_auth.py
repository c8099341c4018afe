"""Passwords, roles and the slow-down of failed logins (the browser side is tested with the app)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clinic_bi.app.auth import (
    AuthConfigError,
    Throttle,
    User,
    hash_password,
    is_local_address,
    load_users,
    verify_password,
)

ROOT = Path(__file__).resolve().parents[2]


def test_hash_is_salted_and_verifies():
    a, b = hash_password("секрет", iterations=1000), hash_password("секрет", iterations=1000)
    assert a != b  # a fresh salt each time
    assert a.startswith("pbkdf2_sha256$1000$")
    assert verify_password("секрет", a) and verify_password("секрет", b)
    assert not verify_password("Секрет", a)
    assert not verify_password("секрет", "garbage")


def test_roles_and_permissions():
    assert User("o", "owner").can("read") and not User("o", "owner").can("upload")
    manager = User("m", "manager")
    assert all(manager.can(x) for x in ("read", "upload", "remove", "edit_mappings"))


def test_users_from_secrets_and_clear_errors():
    h = hash_password("x", iterations=1000)
    users = load_users({"users": {"anna": {"role": "manager", "password_hash": h}}})
    assert users == {"anna": ("manager", h)}
    assert load_users(None) == {}
    with pytest.raises(AuthConfigError, match="роль 'admin' неизвестна"):
        load_users({"users": {"x": {"role": "admin", "password_hash": h}}})
    with pytest.raises(AuthConfigError, match="hash-password"):
        load_users({"users": {"x": {"role": "owner", "password": "plain"}}})


def test_failed_logins_wait_longer_each_time_and_success_resets():
    waits: list[float] = []
    throttle = Throttle(base=1.0, cap=8.0, sleep=waits.append)
    users = {"anna": ("manager", hash_password("верно", iterations=1000))}
    for _ in range(5):
        assert throttle.login(users, "anna", "неверно") is None
    # no wait before the first try, then 1, 2, 4, 8 (capped) seconds
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert throttle.login(users, "anna", "верно") == User("anna", "manager")
    assert waits[-1] == 8.0  # the successful try still waited its turn
    assert throttle.delay_for("anna") == 0.0


def test_unknown_names_are_slowed_too():
    waits: list[float] = []
    throttle = Throttle(sleep=waits.append)
    assert throttle.login({}, "ghost", "x") is None
    assert throttle.login({}, "ghost", "x") is None
    assert waits == [1.0]


def test_unknown_names_cost_a_real_users_check_and_nothing_is_hashed_at_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The dummy an unknown name is checked against runs the same PBKDF2 rounds as a real
    user's hash (so the time does not tell which names exist), and importing the module
    hashes nothing (issue 17: that cost 0.2 s of every server start)."""
    import hashlib

    from clinic_bi.app import auth

    rounds: list[int] = []
    real = hashlib.pbkdf2_hmac

    def counting(name, password, salt, iterations, *rest):
        rounds.append(iterations)
        return real(name, password, salt, 1000, *rest)  # the count is what matters, not the wait

    code = "import hashlib, sys; hashlib.pbkdf2_hmac = None; import clinic_bi.app.auth"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    users = {"anna": ("manager", f"pbkdf2_sha256${auth.ITERATIONS}$AAAA$AAAA")}
    throttle = Throttle(sleep=lambda s: None)
    assert throttle.login(users, "ghost", "x") is None
    assert throttle.login(users, "anna", "x") is None
    assert rounds == [auth.ITERATIONS, auth.ITERATIONS]
    for password in ("", "x", "no such user"):
        assert not verify_password(password, auth._DUMMY_HASH)


def test_local_addresses():
    assert is_local_address("127.0.0.1") and is_local_address("::1")
    assert is_local_address("127.5.6.7")
    assert not is_local_address("192.168.1.10") and not is_local_address(None)


def test_cli_makes_a_hash_from_stdin():
    proc = subprocess.run([sys.executable, "-m", "clinic_bi", "hash-password"], input="пароль\n",
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0
    encoded = proc.stdout.strip()
    assert verify_password("пароль", encoded)
