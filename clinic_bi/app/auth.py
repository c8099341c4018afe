"""Optional login with two roles, kept in Streamlit secrets as salted password hashes.

    # .streamlit/secrets.toml
    [auth.users.anna]
    role = "manager"                  # manager: read, upload, remove, edit mappings
    password_hash = "pbkdf2_sha256$600000$<salt>$<hash>"   # python -m clinic_bi hash-password
    [auth.users.owner]
    role = "owner"                    # owner: read only

No users configured means no login, and then the app serves only this computer (localhost).
Failed logins are slowed down: each failure for a name doubles the wait before the next answer
(one attempt per name at a time, old failures fade; see `Throttle`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
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
    """Failed logins slow down, per name, so that guessing a password takes days, not minutes.

    Shared by every session of the process (a `st.cache_resource`), so a new browser tab, or
    many of them at once, does not reset or dodge it. The rules:

    * Wait. With k failures counted for a name, the next attempt waits base × 2^(k-1) seconds,
      at most `cap`; a successful login forgets the name's failures.
    * One at a time per name. An attempt holds the name's lock through its wait, the password
      check and the bookkeeping, so it sees every failure of the attempts before it. Eight
      parallel sessions guessing one name therefore queue up and pay the same total wait as one
      session guessing eight times (without the lock they all read "no failures yet" together).
    * At most `max_concurrent` password checks at a time over all names (PBKDF2 is meant to be
      slow: on a 2-core server two checks already use the whole machine; more parallel logins
      only wait their turn and cannot starve the dashboards of CPU).
    * Old failures fade: a name's count halves for every full `window` seconds (15 min) since
      its latest failure. Someone who mistyped five times is back to no wait within an hour
      (5 → 2 → 1 → 0); an attacker who keeps guessing keeps the count, and one who pauses to let
      it fade loses more guesses than the fading gives back (at the cap, 15 min is 30 guesses).
    * Bounded memory: at most `max_names` names are remembered; a new name pushes out the one
      whose latest failure is oldest (see `_record_failure` for why that is safe).
    * Unknown names are throttled exactly like known ones (the key is the typed name, and the
      password check runs against a dummy hash), so neither the wait nor the time of the check
      tells which names exist.
    """

    def __init__(self, base: float = 1.0, cap: float = 30.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 *, window: float = 15 * 60.0, max_names: int = 10_000,
                 max_concurrent: int = 2):
        if max_names < 1 or max_concurrent < 1:
            raise ValueError("max_names and max_concurrent must be at least 1")
        self.base, self.cap, self.clock, self.sleep = base, cap, clock, sleep
        self.window, self.max_names = window, max_names
        # name -> (failures, time of the latest failure); insertion order = age of that failure
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        # name -> [lock, attempts holding or waiting for it]; an entry lives only while some
        # attempt for the name is in flight, so this table is bounded by the number of
        # concurrent logins, not by the number of names ever tried
        self._name_locks: dict[str, list] = {}
        self._lock = threading.Lock()  # guards both tables; never held while sleeping
        self._verifying = threading.BoundedSemaphore(max_concurrent)

    def __len__(self) -> int:
        """How many names have failures remembered (at most `max_names`)."""
        with self._lock:
            return len(self._failures)

    def delay_for(self, key: str) -> float:
        """Seconds the next attempt for `key` (a stripped, lower-cased name) would wait now."""
        with self._lock:
            n = self._count(key, self.clock())
        return self._delay(n)

    def login(self, users: Mapping[str, tuple[str, str]], name: str, password: str) -> User | None:
        key = name.strip().lower()
        with self._name_lock(key):
            wait = self.delay_for(key)  # counted under the name's lock: sees all earlier tries
            if wait:
                self.sleep(wait)
            entry = users.get(name.strip())
            # verify even for unknown names, so the time does not tell which names exist
            encoded = entry[1] if entry else _DUMMY_HASH
            with self._verifying:
                ok = verify_password(password, encoded) and entry is not None
            with self._lock:
                if ok:
                    self._failures.pop(key, None)
                else:
                    self._record_failure(key, self.clock())
        return User(name.strip(), entry[0]) if ok and entry else None

    # -- internals (callers hold self._lock where noted) ----------------------------------------

    def _delay(self, n: int) -> float:
        if n == 0:
            return 0.0
        # the exponent is clamped: 2.0 ** 1024 overflows a float, and an attacker can reach
        # a thousand failures in a day at the cap; 2^62 × base is past any sane cap anyway
        return min(self.cap, self.base * 2.0 ** min(n - 1, 62))

    def _count(self, key: str, now: float) -> int:
        """The name's failures after fading (self._lock held)."""
        failures, last = self._failures.get(key, (0, now))
        halvings = int(max(0.0, now - last) // self.window) if self.window > 0 else 0
        return failures >> min(halvings, 63)

    def _record_failure(self, key: str, now: float) -> None:
        """Count one more failure for `key` and keep the table within `max_names`
        (self._lock held).

        The table is ordered by the time of each name's latest failure, and the oldest goes
        first. To push a real name out and so reset its wait, an attacker has to fail on
        `max_names` other names after the real name's latest failure; each of those is a full
        password check behind the `max_concurrent` limit (10 000 × ~0.2 s ÷ 2 ≈ 17 min at the
        default settings), during which the real name's count fades by itself anyway. What the
        reset buys is about six quick guesses (waits 0 + 1 + 2 + 4 + 8 + 16 s); at the cap the
        same 17 min would have bought ~30 direct guesses. Eviction is therefore never a cheaper
        way to guess than just waiting, and a name under active attack, being refreshed on every
        failure, is the last to go."""
        self._failures[key] = (self._count(key, now) + 1, now)
        self._failures.move_to_end(key)
        while len(self._failures) > self.max_names:
            self._failures.popitem(last=False)

    @contextmanager
    def _name_lock(self, key: str) -> Iterator[None]:
        """Hold the per-name lock; the entry is dropped once no attempt for the name needs it."""
        with self._lock:
            slot = self._name_locks.setdefault(key, [threading.Lock(), 0])
            slot[1] += 1
        slot[0].acquire()
        try:
            yield
        finally:
            slot[0].release()
            with self._lock:
                slot[1] -= 1
                if slot[1] == 0:
                    del self._name_locks[key]


# What an unknown name's password is checked against: the full ITERATIONS rounds of PBKDF2, as for
# a real user, so the time of the check does not tell which names exist. Only the cost matters
# (an unknown name never logs in, whatever the check says), so the digest is all zeros, which no
# password yields in practice, and nothing is hashed at import: a real hash here cost 0.2 s of
# every server start, users or not (issue 17).
_DUMMY_HASH = "$".join([ALGORITHM, str(ITERATIONS), _b64(b"\0" * 16), _b64(b"\0" * 32)])


def is_local_address(address: str | None) -> bool:
    """True for loopback (127.0.0.0/8, ::1). Unknown addresses are not local."""
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return address == "localhost"
