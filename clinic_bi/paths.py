"""Where the store lives, and how the files holding clinic data are kept private.

One DuckDB file, shared by the web app and the CLI. Everything written beside it or from it —
the store, its `.wal`, the salt, backups, rejected-row CSVs — holds patient data (card numbers,
birth dates, visit histories; rejected rows even hold full names and phones), so every such file
is created readable and writable by its owner only (0600) and every folder made for them is 0700.

Three layers do this, because DuckDB creates the store, its WAL (deleted and recreated around
checkpoints) and Parquet files itself, with whatever the process umask allows:

1. `private_umask()` — called first thing by the CLI (`clinic_bi.cli.main`) and the web app
   (`clinic_bi/app/__init__.py`, imported by every page) — makes every file and folder the process
   creates from then on 0600 / 0700, whoever creates it.
2. Files this code writes itself are created with the mode from the start (`open_private`,
   `copy_private`), and the folders it makes are created 0700 (`make_private_dir`), whatever the
   umask is (a library caller, a test).
3. `store.connect` and `backup.backup` chmod what DuckDB wrote (`tighten`), so an old store made
   under umask 022 is fixed on its next open.

Folders a user already had — their home, /tmp, the folder named in `--rejects` when it exists —
are never chmod-ed: only the ones we create, plus the app's own `~/.clinic_bi`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
QUERIES_DIR = PROJECT_DIR / "queries"
SAMPLE_DATA_DIR = PROJECT_DIR / "sample_data"

PRIVATE_UMASK = 0o077
FILE_MODE = 0o600
DIR_MODE = 0o700


def home_dir() -> Path:
    return Path(os.environ.get("CLINIC_BI_HOME", Path.home() / ".clinic_bi"))


def default_db_path() -> Path:
    """The clinic's own store: $CLINIC_BI_DB, else ~/.clinic_bi/clinic.duckdb."""
    env = os.environ.get("CLINIC_BI_DB")
    return Path(env) if env else home_dir() / "clinic.duckdb"


def demo_db_path() -> Path:
    """The demo's store, kept apart so demo rows never mix with a clinic's data."""
    return home_dir() / "demo.duckdb"


def query_path(*parts: str) -> Path:
    return QUERIES_DIR.joinpath(*parts)


def read_query(*parts: str) -> str:
    return query_path(*parts).read_text(encoding="utf-8")


def private_umask() -> int:
    """Make the process umask at least 077, so that every file created from now on — by this
    code or by DuckDB — is 0600 and every folder 0700. A stricter umask the user already has is
    kept (the bits are added, never removed). Returns the previous umask. Idempotent."""
    old = os.umask(PRIVATE_UMASK)
    os.umask(old | PRIVATE_UMASK)
    return old


def make_private_dir(path: Path | str) -> Path:
    """Create `path` and any missing parents, each folder created here 0700 (chmod-ed, so the
    umask cannot widen it). Folders that already exist are left as they are — a user's home or
    /tmp is not ours to change — except the app's own default home `~/.clinic_bi`, which is
    tightened to 0700 when it lies on the way (a $CLINIC_BI_HOME the user made is theirs and is
    left alone; one that does not exist yet is created 0700 like any other)."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made meanwhile by another process: not ours to chmod
            continue
        folder.chmod(DIR_MODE)
    default_home = Path.home() / ".clinic_bi"
    if default_home.is_dir() and not default_home.is_symlink() and (
            path == default_home or default_home in path.parents):
        tighten(default_home, DIR_MODE)
    return path


def tighten(path: Path | str, mode: int = FILE_MODE) -> None:
    """chmod `path` to `mode` if it exists and is not already that; a file we may not chmod
    (another owner, a read-only mount) is left as it is — this is a safety net, not a check."""
    try:
        if (os.stat(path).st_mode & 0o777) != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def open_private(path: Path | str) -> BinaryIO:
    """Open `path` for writing in binary, truncating it, with mode 0600 from its creation on
    (an existing file is chmod-ed to 0600 before anything is written into it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        if hasattr(os, "fchmod"):  # POSIX; elsewhere the mode bits mean little anyway
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def copy_private(source: Path | str, target: Path | str) -> None:
    """Copy `source` to `target`, the copy 0600 from its creation on."""
    with open(source, "rb") as src, open_private(target) as dst:
        shutil.copyfileobj(src, dst)
