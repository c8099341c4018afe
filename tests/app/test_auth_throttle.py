"""The login throttle under attack: parallel guesses for one name queue up, password checks are
limited over all names, old failures fade, and the table of names stays bounded.

Waits and counts below are worked out by hand from the rule in `Throttle`'s docstring: with k
failures the next attempt waits base × 2^(k-1) s (at most cap), and the count halves for every
full window (15 min by default) since the latest failure."""

from __future__ import annotations

import threading
import time

import pytest

from clinic_bi.app import auth
from clinic_bi.app.auth import Throttle, User, hash_password

FAST = 1000  # PBKDF2 iterations for test users (the real default is 600 000)


class FakeClock:
    """A clock that only moves when told to, or when the throttle sleeps."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def _run_together(count: int, target) -> list[BaseException]:
    """Start `count` threads that call target(i) at the same moment; their exceptions."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not any(th.is_alive() for th in threads), "a login never finished"
    return errors


# -- one name: parallel guesses cost what sequential ones do -------------------------------------


@pytest.mark.parametrize("name", ["anna", "ghost"])  # a real user and a name nobody has
def test_parallel_wrong_guesses_for_one_name_wait_as_long_as_sequential_ones(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth, "_DUMMY_HASH", hash_password("no such user", iterations=FAST))
    users = {"anna": ("manager", hash_password("верно", iterations=FAST))}
    waits: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)
        time.sleep(seconds)

    throttle = Throttle(base=0.05, cap=10.0, sleep=sleep)
    results: list[User | None] = []
    start = time.monotonic()
    errors = _run_together(6, lambda i: results.append(throttle.login(users, name, "неверно")))
    elapsed = time.monotonic() - start

    assert not errors
    assert results == [None] * 6
    # one after another: no wait, then 0.05, 0.1, 0.2, 0.4, 0.8 s; 1.55 s in all
    assert sorted(waits) == [0.05, 0.1, 0.2, 0.4, 0.8]
    assert elapsed >= 0.05 + 0.1 + 0.2 + 0.4 + 0.8
    assert throttle.delay_for(name) == 1.6  # six failures counted: 0.05 × 2^5


def test_a_name_waiting_its_turn_does_not_hold_up_other_names() -> None:
    users = {"anna": ("manager", hash_password("верно", iterations=FAST)),
             "boris": ("owner", hash_password("пароль", iterations=FAST))}  # fmt: skip
    asleep, wake = threading.Event(), threading.Event()

    def sleep(seconds: float) -> None:
        asleep.set()
        assert wake.wait(timeout=30)

    throttle = Throttle(base=1.0, sleep=sleep)
    assert throttle.login(users, "anna", "неверно") is None  # no wait before the first try
    attacker = threading.Thread(target=throttle.login, args=(users, "anna", "неверно"))
    attacker.start()
    try:
        assert asleep.wait(timeout=10)  # anna's second try is now waiting its 1 s
        assert throttle.login(users, "boris", "пароль") == User("boris", "owner")
    finally:
        wake.set()
        attacker.join(timeout=30)
    assert throttle.delay_for("anna") == 2.0  # two failures: 1 × 2^1


# -- all names: a limit on password checks running at once --------------------------------------


@pytest.mark.parametrize("limit", [None, 3])  # None: the default, 2 on this 2-core machine
def test_at_most_k_password_checks_run_at_once(
    limit: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = {"running": 0, "peak": 0}
    lock = threading.Lock()

    def slow_verify(password: str, encoded: str) -> bool:
        with lock:
            state["running"] += 1
            state["peak"] = max(state["peak"], state["running"])
        time.sleep(0.1)
        with lock:
            state["running"] -= 1
        return False

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    throttle = Throttle() if limit is None else Throttle(max_concurrent=limit)
    # six different names, so the per-name queue does not serialise them: only the limit does
    errors = _run_together(6, lambda i: throttle.login({}, f"name{i}", "x"))
    assert not errors
    assert state["peak"] == (2 if limit is None else 3)


# -- old failures fade --------------------------------------------------------------------------


def test_failures_halve_every_fifteen_quiet_minutes() -> None:
    clock = FakeClock()
    throttle = Throttle(base=1.0, cap=30.0, clock=clock, sleep=clock.sleep)
    users = {"anna": ("manager", hash_password("верно", iterations=FAST))}
    for _ in range(5):
        assert throttle.login(users, "anna", "неверно") is None
    # waits 0, 1, 2, 4, 8: the fifth failure is at t = 15 s, and five failures mean 16 s
    assert clock.waits == [1.0, 2.0, 4.0, 8.0] and clock.now == 15.0
    assert throttle.delay_for("anna") == 16.0
    clock.now = 15.0 + 899
    assert throttle.delay_for("anna") == 16.0  # not yet a full window
    clock.now = 15.0 + 900
    assert throttle.delay_for("anna") == 2.0  # 5 // 2 = 2 failures: 2 s
    clock.now = 15.0 + 1000
    assert throttle.login(users, "anna", "неверно") is None  # waits 2 s, then counts a third
    assert clock.waits[-1] == 2.0 and clock.now == 1017.0
    assert throttle.delay_for("anna") == 4.0  # 3 failures, the latest at t = 1017 s
    clock.now = 1017.0 + 900
    assert throttle.delay_for("anna") == 1.0  # 3 // 2 = 1
    clock.now = 1017.0 + 1800
    assert throttle.delay_for("anna") == 0.0  # 1 // 2 = 0: forgotten
    assert throttle.login(users, "anna", "верно") == User("anna", "manager")
    assert clock.waits[-1] == 2.0  # that last, successful try did not wait


def test_a_thousand_failures_still_wait_the_cap_and_do_not_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auth, "verify_password", lambda password, encoded: False)
    clock = FakeClock()
    throttle = Throttle(base=1.0, cap=30.0, clock=clock, sleep=lambda s: None)
    for _ in range(1100):  # past 2^1024, which no float can hold
        assert throttle.login({}, "anna", "x") is None
    assert throttle.delay_for("anna") == 30.0


# -- a bounded table ---------------------------------------------------------------------------


def test_the_name_with_the_oldest_latest_failure_goes_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auth, "verify_password", lambda password, encoded: False)
    clock = FakeClock()
    throttle = Throttle(base=1.0, clock=clock, sleep=clock.sleep, max_names=3)
    for name in ["a", "b", "c", "a", "d"]:  # a fails again after c, so b is now the oldest
        clock.now += 1
        throttle.login({}, name, "x")
    assert len(throttle) == 3
    assert throttle.delay_for("b") == 0.0  # pushed out
    assert throttle.delay_for("a") == 2.0  # two failures kept
    assert throttle.delay_for("c") == 1.0 and throttle.delay_for("d") == 1.0


def test_random_names_cannot_grow_the_table_past_ten_thousand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(auth, "verify_password", lambda password, encoded: False)
    throttle = Throttle(sleep=lambda s: None)
    for i in range(10_050):
        throttle.login({}, f"random{i}", "x")
    assert len(throttle) == 10_000
    assert throttle.delay_for("random0") == 0.0 and throttle.delay_for("random49") == 0.0
    assert throttle.delay_for("random50") == 1.0 and throttle.delay_for("random10049") == 1.0
    assert throttle._name_locks == {}  # per-name locks live only while an attempt is in flight
