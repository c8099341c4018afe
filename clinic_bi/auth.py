"""Optional login with two roles, kept in Streamlit secrets as salted password hashes.

    # .streamlit/secrets.toml
    [auth.users.anna]
    role = "manager"                  # manager: read, upload, remove, edit mappings
    password_hash = "pbkdf2_sha256$600000$<salt>$<hash>"   # python -m clinic_bi hash-password
    [auth.users.owner]
    role = "owner"                    # owner: read only

No users configured means no login, and then the app serves only this computer (localhost).
Failed logins are slowed down: each failure for a name doubles the wait before the next answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
ROLES = ("owner", "manager")
# What each role may do. Reading is everyone's.
PERMISSIONS = {
    "owner": frozenset({"read"}),
    "manager": frozenset({"read", "upload", "remove", "edit_mappings"}),
}


class AuthConfigError(ValueError):
    """The secrets describe users in a way this app cannot use; the message says how to fix."""


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    if not password:
        raise ValueError("Пароль не может быть пустым.")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return "$".join([ALGORITHM, str(iterations), _b64(salt), _b64(digest)])


def verify_password(password: str, encoded: str) -> bool:
    try:
        algorithm, iterations, salt, digest = encoded.split("$")
        if algorithm != ALGORITHM:
            return False
        expected = base64.b64decode(digest)
        got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt),
                                  int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def can(self, action: str) -> bool:
        return action in PERMISSIONS.get(self.role, frozenset())


def load_users(secrets_section: Mapping | None) -> dict[str, tuple[str, str]]:
    """{name: (role, password_hash)} from the `auth` section of Streamlit secrets."""
    if not secrets_section:
        return {}
    users = secrets_section.get("users") or {}
    out: dict[str, tuple[str, str]] = {}
    for name, entry in users.items():
        role = entry.get("role")
        encoded = entry.get("password_hash")
        if role not in ROLES:
            raise AuthConfigError(
                f"Пользователь «{name}»: роль {role!r} неизвестна; допустимы: owner, manager."
            )
        if not encoded or not str(encoded).startswith(ALGORITHM + "$"):
            raise AuthConfigError(
                f"Пользователь «{name}»: нет password_hash. Получите его командой "
                "`python -m clinic_bi hash-password` и вставьте в .streamlit/secrets.toml."
            )
        out[str(name)] = (role, str(encoded))
    return out


class Throttle:
    """Failed logins slow down: after the k-th failure for a name the next attempt waits
    base × 2^(k-1) seconds (capped), successful login resets it. Shared by every session of the
    process (a `st.cache_resource`), so a new browser tab does not reset it."""

    def __init__(self, base: float = 1.0, cap: float = 30.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.base, self.cap, self.clock, self.sleep = base, cap, clock, sleep
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def delay_for(self, key: str) -> float:
        with self._lock:
            n = self._failures.get(key, 0)
        return 0.0 if n == 0 else min(self.cap, self.base * 2 ** (n - 1))

    def login(self, users: Mapping[str, tuple[str, str]], name: str, password: str) -> User | None:
        key = name.strip().lower()
        wait = self.delay_for(key)
        if wait:
            self.sleep(wait)
        entry = users.get(name.strip())
        # verify even for unknown names, so the time does not tell which names exist
        encoded = entry[1] if entry else _DUMMY_HASH
        ok = verify_password(password, encoded) and entry is not None
        with self._lock:
            if ok:
                self._failures.pop(key, None)
            else:
                self._failures[key] = self._failures.get(key, 0) + 1
        return User(name.strip(), entry[0]) if ok and entry else None


_DUMMY_HASH = hash_password("no such user", iterations=ITERATIONS, salt=b"\0" * 16)


def is_local_address(address: str | None) -> bool:
    """True for loopback (127.0.0.0/8, ::1). Unknown addresses are not local."""
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return address == "localhost"
