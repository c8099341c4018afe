"""`demo --load` reuses a demo store that is current, so `make run` does not rebuild it every
time (issue 13, item 18); and `make run PORT=…` serves on that port.

Current: built by the same recipe (patients, seed, last day) and code (clinic_bi/demo/built.py),
its store and salt there, and its exports unchanged. Anything else builds it again.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import clinic_bi.demo
from clinic_bi import cli
from clinic_bi.demo import built
from clinic_bi.ingest import loader
from clinic_bi.ingest.loader import LoadResult
from clinic_bi.paths import PROJECT_DIR

SMALL = ["--patients", "80", "--seed", "5", "--end", "2025-12-31"]
REUSED = "оставлено как есть"


class Rebuilt(Exception):
    """write_demo was called: the demo would be built again."""


def demo(tmp_path: Path, *args: str) -> int:
    return cli.main(["demo", str(tmp_path / "exports"), *(args or SMALL), "--load", "--db",
                     str(tmp_path / "demo.duckdb")])  # fmt: skip


def test_a_current_demo_is_reused_and_anything_else_rebuilds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, exports = tmp_path / "demo.duckdb", tmp_path / "exports"
    assert demo(tmp_path) == 0 and REUSED not in capsys.readouterr().out  # the one real build
    stamp = built.stamp_path(db).read_bytes()
    first = db.stat().st_mtime_ns

    def refuse(*args: object, **kwargs: object) -> list[Path]:
        raise Rebuilt

    monkeypatch.setattr(clinic_bi.demo, "write_demo", refuse)
    assert demo(tmp_path) == 0 and REUSED in capsys.readouterr().out
    assert db.stat().st_mtime_ns == first  # the store untouched

    def rebuilds(*args: str) -> None:
        with pytest.raises(Rebuilt):
            demo(tmp_path, *args)
        built.stamp_path(db).write_bytes(stamp)  # a rebuild drops the stamp first: put it back
        assert demo(tmp_path) == 0 and REUSED in capsys.readouterr().out

    rebuilds(*SMALL, "--force")
    rebuilds("--patients", "81", "--seed", "5", "--end", "2025-12-31")
    rebuilds("--patients", "80", "--seed", "6", "--end", "2025-12-31")
    rebuilds("--patients", "80", "--seed", "5", "--end", "2025-11-30")
    with monkeypatch.context() as m:  # the generator's or the loader's code changed
        m.setattr(built, "code_fingerprint", lambda: "another version of the code")
        with pytest.raises(Rebuilt):
            demo(tmp_path)
    built.stamp_path(db).write_bytes(stamp)

    saved = (exports / "reviews.csv").read_bytes()
    (exports / "reviews.csv").write_bytes(saved + b"\n")  # an export is not the one loaded
    with pytest.raises(Rebuilt):
        demo(tmp_path)
    built.stamp_path(db).write_bytes(stamp)
    (exports / "reviews.csv").write_bytes(saved)
    assert demo(tmp_path) == 0 and REUSED in capsys.readouterr().out

    (exports / "schedule.csv").unlink()  # an export is gone
    with pytest.raises(Rebuilt):
        demo(tmp_path)
    built.stamp_path(db).write_bytes(stamp)
    db.unlink()  # the store is gone
    with pytest.raises(Rebuilt):
        demo(tmp_path)


def test_a_failed_build_is_not_taken_for_a_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "ingest_paths",
                        lambda db, paths, *a, **k: [LoadResult(file="x.csv", error="a failure")])  # fmt: skip
    assert demo(tmp_path) == 1
    assert not built.stamp_path(tmp_path / "demo.duckdb").exists()


def test_the_fingerprint_follows_the_loader_code() -> None:
    assert built.code_fingerprint() == built.code_fingerprint()
    covered = {str(s.relative_to(PROJECT_DIR)) for s in built.SOURCES}
    assert {"clinic_bi/demo", "clinic_bi/ingest", "queries/ingest", "queries/store"} <= covered


def test_make_run_takes_a_port() -> None:
    """`make -n` prints the commands without running them."""
    def dry(*args: str) -> str:
        return subprocess.run(["make", "-n", "run", *args], cwd=PROJECT_DIR, check=True,
                              capture_output=True, text=True).stdout  # fmt: skip

    assert "--server.port 8600" in dry("PORT=8600")
    assert "--server.port 8501" in dry()
    assert "clinic_bi demo demo_exports --load" in dry()
