"""`python -m clinic_bi watch DIR`: the exports a MIS or CRM saves into a folder every night,
loaded as they come (issue 16, part 3). docs/CLI.md, "watch".

One pass (`run_pass`) — `--once` is one pass, the loop is a pass every `--interval` seconds:

1. The folder's export files: its own and those of its subfolders, one level down (an MIS that
   saves `2025-03/услуги.csv` is covered; nothing deeper, no symlinked folders). Hidden files and
   folders, Office's `~$…` owner files, LibreOffice's `.~lock…#`, and every suffix the loader
   does not read (`.tmp`, `.part`, `.crdownload` …) are left out (`is_export_name`).
2. A file whose size and mtime are those the watch state remembers was dealt with before: it is
   not read again. Every other file is looked at twice, `settle` seconds apart
   (`$CLINIC_BI_WATCH_SETTLE`, default 2 s); one that changed meanwhile, or is still empty, is
   being written: it is left for the next pass.
3. A settled file is read once, read-only, into a snapshot in a private temp folder (0700, file
   0600, outside the user's folder, deleted right after the load). Its size and mtime are
   compared again right before the read, and after it both they and the file's sha256 must equal
   what was read; else the copy went on meanwhile, and the file waits for the next pass. The
   loader then reads the snapshot, so what is loaded is exactly what was hashed.
4. A sha256 the journal already holds (`batches.file_sha256`) is skipped with a note; any other
   file goes to `loader.ingest_file` — the call of `python -m clinic_bi ingest` — so it is
   recognised, mapped by a saved profile, journaled, keyed and its rejected lines kept the same
   way as an upload.
5. What became of the file — (size, mtime, sha256, outcome) — goes into the store's `meta` under
   'watch_state' at once (a failed load writes nothing in the journal, so the failure is kept
   there). A file that failed, or needs a question the Данные page would ask (which kind it is,
   which column is which), is reported once and tried again only when its sha256 changes. A file
   only touched (new mtime, same sha256) is remembered with its new mtime, and said nothing of.

The user's files are never moved, renamed or written; nothing is created in their folder. The
folder the Данные page saved (`saved_folder`, meta 'watch_folder') is the default DIR.

Why the state and not the journal alone: the journal knows loaded files only; a file that was
refused, or an upload the user removed on purpose, would be tried again on every pass.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.ingest.loader import LoadError, LoadResult
from clinic_bi.ingest.messages import Text, message_of, sentence
from clinic_bi.ingest.readers import ReadError, check_size, file_error, file_sha256
from clinic_bi.paths import default_db_path, open_private, private_umask
from clinic_bi.store.salt import load_or_create_salt
from clinic_bi.tables import TABLE_SPECS

STATE_KEY = "watch_state"
FOLDER_KEY = "watch_folder"
DEFAULT_SETTLE = 2.0
EMPTY_GRACE_SECONDS = 600  # an empty file younger than this is taken to be still written
SNAPSHOT_PREFIX = "clinic_bi_watch_"

# What became of a file. `failed` and `needs_profile` are remembered and not tried again until
# the file changes; `unreadable` (the system would not let us open it) is tried again quietly on
# every pass, since letting us read it (chmod) does not change its mtime.
LOADED, SAME_FILE, FAILED, NEEDS_PROFILE, PENDING = (
    "loaded", "same_file", "failed", "needs_profile", "pending")  # fmt: skip
UNREADABLE = "unreadable"
# The loader's refusals that a person answers on the Данные page: which kind of export it is,
# which column is which.
_QUESTIONS = {"refusal_unknown_kind", "refusal_ambiguous_kind", "refusal_missing_columns"}


def settle_seconds() -> float:
    """How long a file must stay unchanged before it is read: $CLINIC_BI_WATCH_SETTLE, 2 s."""
    return float(os.environ.get("CLINIC_BI_WATCH_SETTLE", DEFAULT_SETTLE))


# -- what a pass reports ------------------------------------------------------------------------


@dataclass
class FileOutcome:
    """One file of a pass that had something to say. `name` is its path inside the folder
    (`2025-03/услуги.csv`); `message` the loader's refusal (a Text) for `failed` and
    `needs_profile`; `batch_id` the load's, or the journal's earlier load for `same_file`."""

    name: str
    status: str
    result: LoadResult | None = None
    message: str | None = None
    batch_id: int | None = None

    @property
    def failed(self) -> bool:
        return self.status in (FAILED, NEEDS_PROFILE)


@dataclass
class PassReport:
    folder: Path
    outcomes: list[FileOutcome] = field(default_factory=list)
    unchanged: int = 0  # files dealt with in an earlier pass, said nothing of

    @property
    def failed(self) -> bool:
        return any(o.failed for o in self.outcomes)

    def count(self, *statuses: str) -> int:
        return sum(1 for o in self.outcomes if o.status in statuses)


class FolderError(Exception):
    """The folder to watch is not usable: `reason` is "not_set", "missing", "not_dir" or
    "relative" (a saved folder must be absolute: the app and cron start in other folders)."""

    def __init__(self, reason: str, folder: Path | None = None):
        super().__init__(reason, folder)
        self.reason, self.folder = reason, folder

    def ru(self) -> str:
        return {
            "not_set": "Папка не указана: укажите её в команде (python -m clinic_bi watch ПАПКА) "
                       "или сохраните на странице «Данные» (раздел «Папка с выгрузками»).",
            "missing": f"Папки {self.folder} нет. Проверьте путь (или подключён ли диск).",
            "not_dir": f"{self.folder} — не папка, а файл. Укажите папку, куда сохраняются "
                       "выгрузки.",
            "relative": f"Путь {self.folder} не полный: укажите папку от корня диска "
                        "(например, /home/clinic/exports или D:\\Выгрузки).",
        }[self.reason]  # fmt: skip


# -- the state: what was seen, and the saved folder ---------------------------------------------


@dataclass
class Seen:
    """One file as the watch state remembers it. `message` is the refusal, encoded (`_encode`)
    so that the page can say it in English too."""

    size: int
    mtime_ns: int
    sha256: str | None
    status: str
    batch_id: int | None = None
    message: Any = None
    at: str = ""

    def text(self) -> str | None:
        return _decode(self.message)


def read_state(con: duckdb.DuckDBPyConnection) -> dict[str, Seen]:
    """{absolute path: Seen}; empty when nothing is saved or the value is unreadable."""
    rows = con.execute("select value from meta where key = $k", {"k": STATE_KEY}).fetchall()
    if not rows:
        return {}
    try:
        files = json.loads(rows[0][0]).get("files", {})
        return {path: Seen(**entry) for path, entry in files.items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def write_state(con: duckdb.DuckDBPyConnection, files: dict[str, Seen]) -> None:
    """Replace the saved state, in one transaction. Not data: data_version does not move."""
    text = json.dumps({"version": 1, "files": {p: asdict(s) for p, s in sorted(files.items())}},
                      ensure_ascii=False)  # fmt: skip
    with store.transaction(con):
        con.execute("delete from meta where key = $k", {"k": STATE_KEY})
        con.execute("insert into meta values ($k, $v)", {"k": STATE_KEY, "v": text})


def remembered_failures(con: duckdb.DuckDBPyConnection, folder: Path) -> list[tuple[str, Seen]]:
    """The files of `folder` that failed or need a profile and wait for a change: (name inside
    the folder, Seen), oldest first."""
    root = _absolute(folder)
    out = []
    for path, seen in read_state(con).items():
        if seen.status in (FAILED, NEEDS_PROFILE, UNREADABLE) and Path(path).is_relative_to(root):
            out.append((Path(path).relative_to(root).as_posix(), seen))
    return sorted(out, key=lambda item: item[1].at)


def check_folder(text: str | Path, relative_to_cwd: bool = False) -> Path:
    """The folder a user typed, checked: absolute (after `~`; on the command line a relative one
    is taken from the current folder), existing, a folder. FolderError otherwise."""
    raw = str(text).strip().strip('"')
    if not raw:
        raise FolderError("not_set")
    folder = Path(raw).expanduser()
    if relative_to_cwd:
        folder = _absolute(folder)
    if not folder.is_absolute():
        raise FolderError("relative", folder)
    if not folder.exists():
        raise FolderError("missing", folder)
    if not folder.is_dir():
        raise FolderError("not_dir", folder)
    return folder


def saved_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    rows = con.execute("select value from meta where key = $k", {"k": FOLDER_KEY}).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def save_folder(con: duckdb.DuckDBPyConnection, folder: str | Path | None) -> Path | None:
    """Save the folder to watch (checked: `check_folder`), or forget it (None or empty)."""
    checked = check_folder(folder) if folder is not None and str(folder).strip() else None
    with store.transaction(con):
        con.execute("delete from meta where key = $k", {"k": FOLDER_KEY})
        if checked is not None:
            con.execute("insert into meta values ($k, $v)", {"k": FOLDER_KEY, "v": str(checked)})
    return checked


def saved_folder_of(db: Path) -> Path | None:
    """The folder saved in the store file `db` (None without a store or a saved folder)."""
    if not Path(db).exists():
        return None
    con = store.connect(db, read_only=True, on_wait=_say_waiting)
    try:
        return saved_folder(con)
    finally:
        con.close()


def _encode(message: Any) -> Any:
    """A Text as {"text_key", "args"} (args' Texts too), to say it again in either language."""
    if isinstance(message, Text):
        return {"text_key": message.key, "args": {k: _encode(v) for k, v in message.args.items()},
                "ru": str(message)}  # fmt: skip
    if isinstance(message, list | tuple):
        return [_encode(v) for v in message]
    return message


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "text_key" in value:
        try:
            return Text(value["text_key"], **{k: _decode(v) for k, v in value["args"].items()})
        except Exception:  # a message this version words differently: its Russian as it was
            return value.get("ru")
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


# -- which files ----------------------------------------------------------------------------------


def is_export_name(name: str) -> bool:
    """A file name the watcher considers: not hidden (`.…`, LibreOffice's `.~lock…#`), not an
    Office owner or temp file (`~$…`, `~…`), and a suffix the loader reads."""
    if name.startswith((".", "~")):
        return False
    return Path(name).suffix.lower() in loader.SUPPORTED_SUFFIXES


def _hidden(entry: os.DirEntry) -> bool:
    if entry.name.startswith((".", "~")):
        return True
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def export_files(folder: Path) -> list[Path]:
    """The folder's export files and its subfolders' (one level), oldest first (a later export
    that repeats earlier lines then replaces them, as when they were saved)."""
    found: list[tuple[int, str, Path]] = []

    def scan(where: Path, depth: int) -> None:
        try:
            entries = list(os.scandir(where))
        except OSError:
            return
        for entry in entries:
            try:
                if _hidden(entry):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if depth == 0:
                        scan(Path(entry.path), 1)
                elif entry.is_file() and is_export_name(entry.name):
                    found.append((entry.stat().st_mtime_ns, entry.path, Path(entry.path)))
            except OSError:  # gone meanwhile
                continue

    scan(folder, 0)
    return [path for _, _, path in sorted(found)]


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _opens(path: Path) -> bool:
    """The system lets us read the file now (an unreadable one is retried this way, quietly)."""
    try:
        with open(path, "rb"):
            return True
    except OSError:
        return False


def _look(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns), None when the file is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


# -- one pass ---------------------------------------------------------------------------------------


class _Changed(Exception):
    """The file changed while it was read: still being written."""


def _snapshot(path: Path, look: tuple[int, int], into: Path) -> tuple[Path, str]:
    """Copy `path` (opened read-only) into `into/<uuid>/<its name>` (0600) and hash what was read.
    _Changed when its size or mtime moved before or after the read, or its sha256 right after
    is not that of what was read."""
    if _look(path) != look:
        raise _Changed
    folder = into / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    target = folder / path.name
    digest = hashlib.sha256()
    with open(path, "rb") as src, open_private(target) as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
    sha = digest.hexdigest()
    if _look(path) != look or file_sha256(path) != sha:
        shutil.rmtree(folder, ignore_errors=True)
        raise _Changed
    return target, sha


def _journal_batch(con: duckdb.DuckDBPyConnection, sha: str) -> int | None:
    row = con.execute("select max(batch_id) from batches where file_sha256 = $sha",
                      {"sha": sha}).fetchone()  # fmt: skip
    return None if row is None else row[0]


def _status_of_refusal(message: str) -> str:
    """`needs_profile` for a refusal the Данные page answers (kind, columns), else `failed`."""
    if isinstance(message, Text):
        inner = message.args.get("message") if message.key == "refusal_in_file" else message
        if isinstance(inner, Text) and inner.key in _QUESTIONS:
            return NEEDS_PROFILE
    return FAILED


class _Pass:
    """The state of one pass: the folder, the store, the snapshots' temp folder, and the write
    connection, opened at the first file that needs it and kept to the end of the pass."""

    def __init__(self, folder: Path, db: Path, on_wait: Callable[[str], None] | None,
                 interrupted: Callable[[], bool]):  # fmt: skip
        self.folder, self.db, self.on_wait, self.interrupted = folder, db, on_wait, interrupted
        self.con: duckdb.DuckDBPyConnection | None = None
        self.salt: str | None = None
        self.present: set[str] = set()

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            self.con = store.connect(self.db, on_wait=self.on_wait)
            self.salt = load_or_create_salt(self.db)
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    def remember(self, key: str, seen: Seen | None) -> None:
        """Write one file's entry (None: forget it), pruning files of the folder now gone."""
        con = self.connection()
        files = read_state(con)
        root = str(self.folder) + os.sep
        for path in [p for p in files if p.startswith(root) and p not in self.present]:
            del files[path]
        if seen is None:
            files.pop(key, None)
        else:
            seen.at = datetime.now().isoformat(timespec="seconds")
            files[key] = seen
        write_state(con, files)

    def load(self, path: Path, look: tuple[int, int], before: Seen | None,
             temp: Path) -> FileOutcome | None:  # fmt: skip
        """Snapshot, check and load one settled file; None when there is nothing to say."""
        name = path.relative_to(self.folder).as_posix()
        key = str(path)
        try:
            check_size(path)
            snapshot, sha = _snapshot(path, look, temp)
        except _Changed:
            return FileOutcome(name, PENDING)
        except ReadError as exc:  # larger than the loader takes
            self.remember(key, Seen(*look, None, FAILED, message=_encode(message_of(exc))))
            return FileOutcome(name, FAILED, message=message_of(exc))
        except FileNotFoundError:  # gone meanwhile
            return None
        except PermissionError as exc:
            if os.name == "nt":  # Windows: the program writing it still holds it
                return FileOutcome(name, PENDING)
            return self._unreadable(key, name, look, before, exc)
        except OSError as exc:
            return self._unreadable(key, name, look, before, exc)
        try:
            return self._load_snapshot(key, name, look, sha, snapshot, before)
        finally:
            shutil.rmtree(snapshot.parent, ignore_errors=True)

    def _unreadable(self, key: str, name: str, look: tuple[int, int], before: Seen | None,
                    exc: OSError) -> FileOutcome | None:  # fmt: skip
        if before is not None and before.status == UNREADABLE:
            return None  # said once already
        message = message_of(file_error(Path(name), exc))
        self.remember(key, Seen(*look, None, UNREADABLE, message=_encode(message)))
        return FileOutcome(name, FAILED, message=message)

    def _load_snapshot(self, key: str, name: str, look: tuple[int, int], sha: str,
                       snapshot: Path, before: Seen | None) -> FileOutcome | None:  # fmt: skip
        con = self.connection()
        now = read_state(con).get(key) or before  # another watcher may have loaded it meanwhile
        if now is not None and now.sha256 == sha and now.status != UNREADABLE:
            # touched, not changed (or loaded by another watcher meanwhile): its new mtime only
            self.remember(key, Seen(*look, sha, now.status, now.batch_id, now.message))
            return None
        earlier = _journal_batch(con, sha)
        if earlier is not None:
            self.remember(key, Seen(*look, sha, SAME_FILE, earlier))
            return FileOutcome(name, SAME_FILE, batch_id=earlier)
        assert self.salt is not None
        try:
            result = loader.ingest_file(con, snapshot, self.salt)
        except LoadError as exc:
            if self.interrupted():  # Ctrl+C reached a reader or DuckDB: not the file's fault
                raise KeyboardInterrupt from exc
            message = message_of(exc)
            status = _status_of_refusal(message)
            self.remember(key, Seen(*look, sha, status, message=_encode(message)))
            return FileOutcome(name, status, message=message)
        except Exception as exc:
            if self.interrupted():  # DuckDB says "Query interrupted" (a RuntimeError)
                raise KeyboardInterrupt from exc
            # a fault of this program, not of the file: said once, with its traceback in the log
            traceback.print_exc()
            message = (f"{snapshot.name}: при загрузке произошёл сбой программы "
                       f"({type(exc).__name__}). Хранилище не изменилось.")
            self.remember(key, Seen(*look, sha, FAILED, message=message))
            return FileOutcome(name, FAILED, message=message)
        if result.duplicate_of is not None:
            self.remember(key, Seen(*look, sha, SAME_FILE, result.duplicate_of))
            return FileOutcome(name, SAME_FILE, result, batch_id=result.duplicate_of)
        self.remember(key, Seen(*look, sha, LOADED, result.batch_id))
        return FileOutcome(name, LOADED, result, batch_id=result.batch_id)


def run_pass(
    folder: Path,
    db: Path,
    settle: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    interrupted: Callable[[], bool] = lambda: False,
) -> PassReport:
    """One look at `folder`: every new or changed file loaded once (module doc). FolderError
    when the folder is not there; a store held by another process is waited for (`on_wait` is
    told), then StoreLocked."""
    folder = _absolute(Path(folder))
    if not folder.exists():
        raise FolderError("missing", folder)
    if not folder.is_dir():
        raise FolderError("not_dir", folder)
    settle = settle_seconds() if settle is None else settle
    report = PassReport(folder)
    seen: dict[str, Seen] = {}
    if Path(db).exists():
        con = store.connect(db, read_only=True, on_wait=on_wait)
        try:
            seen = read_state(con)
        finally:
            con.close()
    files = export_files(folder)
    first: list[tuple[Path, tuple[int, int]]] = []
    for path in files:
        look = _look(path)
        before = seen.get(str(path))
        if look is None:
            continue
        if before is not None and (before.size, before.mtime_ns) == look and (
                before.status != UNREADABLE or not _opens(path)):
            report.unchanged += 1
        elif look[0] == 0 and time.time_ns() - look[1] < EMPTY_GRACE_SECONDS * 1e9:
            # created, nothing written yet (an empty file that stays empty is refused, once)
            report.outcomes.append(FileOutcome(path.relative_to(folder).as_posix(), PENDING))
        else:
            first.append((path, look))
    if not first:
        return report
    if settle > 0:
        time.sleep(settle)
    work = _Pass(folder, Path(db), on_wait, interrupted)
    work.present = {str(p) for p in files}
    try:
        with tempfile.TemporaryDirectory(prefix=SNAPSHOT_PREFIX) as temp:
            for path, look in first:
                if _look(path) != look:
                    report.outcomes.append(FileOutcome(path.relative_to(folder).as_posix(),
                                                       PENDING))  # fmt: skip
                    continue
                outcome = work.load(path, look, seen.get(str(path)), Path(temp))
                if outcome is not None:
                    report.outcomes.append(outcome)
    finally:
        work.close()
    return report


# -- the log ------------------------------------------------------------------------------------------


def _n(x: int) -> str:
    return f"{x:,}".replace(",", " ")


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


NEEDS_PROFILE_HINT = ("Что сделать: откройте страницу «Данные», загрузите файл вручную и "
                      "сохраните профиль — следующие такие выгрузки загрузятся сами.")
RETRY_NOTE = "Файл будет загружен снова, когда изменится."


def describe(outcome: FileOutcome) -> list[str]:
    """The lines the log says of one file (Russian, as the CLI speaks)."""
    name = outcome.name
    if outcome.status == PENDING:
        return [f"… {name}: файл ещё записывается — загружу, когда он перестанет меняться."]
    if outcome.status == SAME_FILE:
        return [f"= {name}: такой же файл уже загружен (загрузка № {outcome.batch_id}), пропущен."]
    if outcome.status == NEEDS_PROFILE:
        return [f"? {name}: не загружен. {outcome.message}", f"  {NEEDS_PROFILE_HINT}"]
    if outcome.status == FAILED:
        return [f"✗ {name}: не загружен. {outcome.message}", f"  {RETRY_NOTE}"]
    r = outcome.result
    assert r is not None
    label = TABLE_SPECS[r.kind].label_ru if r.kind else "?"
    how = f"профиль «{r.profile}»" if r.profile else "распознано по заголовкам"
    line = (f"  загружено {_n(r.rows_loaded)} (новых {_n(r.rows_new)}, заменено уже загруженных "
            f"{_n(r.rows_replaced)}), отклонено {_n(r.rows_rejected)}")
    if r.rows_skipped:
        line += f", пропущено итоговых и пустых строк {_n(r.rows_skipped)}"
    lines = [f"✓ {name} → {label} [{r.kind}]; {r.fmt}; {how}", line]
    if r.period[0]:
        lines.append(f"  период данных: {r.period[0]:%d.%m.%Y} — {r.period[1]:%d.%m.%Y}; "
                     f"загрузка № {r.batch_id}")  # fmt: skip
    for issue in r.issues[:5]:
        kind = "отклонена" if issue.severity == "rejected" else "предупреждение"
        lines.append(f"  строка {issue.row} ({kind}): "
                     f"{sentence(issue.column, issue.value, issue.reason, 'ru')}")
    if r.reconciliation is not None:
        mark = "=" if r.reconciliation.agrees else "≠"
        lines.append(f"  {mark} сверка с итогом файла: {r.reconciliation_text('ru')}")
    lines.extend("  ! " + note for note in r.notes)
    return lines


def print_report(report: PassReport, told: set[str] | None = None, quiet: bool = False) -> None:
    """The pass's news on stdout, failures also on stderr (as `ingest` does). `told`: the names
    of files already said to be still written (the loop says it once). `quiet` (cron: it mails
    whatever a job prints): nothing when there is no news, and a file still being written is no
    news — the next run loads it."""
    news = [o for o in report.outcomes if o.status != PENDING or not (
        quiet and told is None or told is not None and o.name in told)]  # fmt: skip
    if told is not None:
        told.difference_update(o.name for o in report.outcomes if o.status != PENDING)
        told.update(o.name for o in report.outcomes if o.status == PENDING)
    if not news:
        if not quiet:
            print(f"Папка {report.folder}: новых или изменённых файлов нет "
                  f"(уже загружено или проверено ранее: {_n(report.unchanged)}).")  # fmt: skip
        return
    for outcome in news:
        for line in describe(outcome):
            print(line)
        if outcome.failed:
            print(f"ОШИБКА: {outcome.message}", file=sys.stderr)
    print(f"Папка {report.folder}: загружено {report.count(LOADED)}, пропущено (уже в журнале) "
          f"{report.count(SAME_FILE)}, не загружено {report.count(FAILED, NEEDS_PROFILE)}, ещё "
          f"записываются {report.count(PENDING)}.", flush=True)  # fmt: skip


# -- the command ------------------------------------------------------------------------------------


def watch_loop(
    folder: Path,
    db: Path,
    interval: float,
    settle: float | None = None,
    on_report: Callable[[PassReport], None] | None = None,
    stop: threading.Event | None = None,
    on_wait: Callable[[str], None] | None = None,
    interrupted: Callable[[], bool] = lambda: False,
) -> None:
    """A pass every `interval` seconds until `stop` is set (or Ctrl+C). A store held too long
    by another process, or the folder gone for a while (a network drive), is said once and the
    watch goes on."""
    problem: str | None = None
    while True:
        try:
            report = run_pass(folder, db, settle, on_wait, interrupted)
        except (FolderError, store.StoreLocked) as exc:
            text = exc.ru() if isinstance(exc, FolderError) else str(exc)
            if text != problem:
                print(text + " Повторю через " + f"{interval:g} с.", file=sys.stderr, flush=True)
            problem = text
        else:
            problem = None
            if on_report is not None:
                on_report(report)
        if stop is None:
            time.sleep(interval)  # Ctrl+C interrupts a sleep at once, on Windows too
        elif stop.wait(interval):
            return


class _SigInt:
    """Ctrl+C, remembered: a reader or DuckDB may turn it into a failed load, and a file is not
    to be remembered as broken because the user stopped the watch."""

    def __init__(self) -> None:
        self.seen = False
        self._old: Any = None

    def __enter__(self) -> _SigInt:
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def __exit__(self, *exc: object) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def run_watch(args: argparse.Namespace) -> int:
    """`python -m clinic_bi watch [DIR] [--once] [--interval S] [--db FILE]`. Exit codes: 0 —
    every file loaded or skipped (or there was nothing new); 1 — a file of this pass was not
    loaded; 2 — bad arguments, no folder, or the store unusable."""
    db = Path(args.db) if args.db else default_db_path()
    try:
        if args.dir:
            folder = check_folder(args.dir, relative_to_cwd=True)
        else:
            folder = saved_folder_of(db)
            if folder is None:
                raise FolderError("not_set")
            try:
                folder = check_folder(folder)
            except FolderError as exc:
                print("Папка для выгрузок сохранена на странице «Данные».", file=sys.stderr)
                raise exc
    except FolderError as exc:
        print(exc.ru(), file=sys.stderr)
        return 2
    if not args.once and not args.interval > 0:
        print("--interval: пауза между проходами должна быть больше нуля (секунды).",
              file=sys.stderr)  # fmt: skip
        return 2
    with _SigInt() as sigint:
        if args.once:
            try:
                report = run_pass(folder, db, on_wait=_say_waiting, interrupted=lambda: sigint.seen)
            except KeyboardInterrupt:
                print("Прервано: проход не закончен; незагруженные файлы будут загружены в "
                      "следующий раз.", file=sys.stderr)  # fmt: skip
                return 130
            print_report(report, quiet=not sys.stdout.isatty())
            return 1 if report.failed else 0
        print(f"Слежу за папкой {folder}: проход каждые {args.interval:g} с, хранилище {db}. "
              "Остановить: Ctrl+C.", flush=True)  # fmt: skip
        told: set[str] = set()
        try:
            watch_loop(folder, db, args.interval, on_wait=_say_waiting,
                       on_report=lambda r: print_report(r, told, quiet=True),
                       interrupted=lambda: sigint.seen)  # fmt: skip
        except KeyboardInterrupt:
            print("\nОстановлено (Ctrl+C). До свидания.", flush=True)
    return 0


# -- one pass for the Данные page, in a child process -------------------------------------------------
#
#     python -m clinic_bi.ingest.watch FOLDER DB OUTCOME.pickle
#
# The page's "check the folder now" must not load inside the Streamlit process (the process lock
# would be held for the whole load: clinic_bi/app/data.py), so it runs this, as its uploads run
# clinic_bi/app/load_worker.py. The outcome is a dict pickled into OUTCOME (0600, in the page's
# private folder, written under another name and renamed): {"status": "ok", "report":
# PassReport} | {"status": "folder", "reason": FolderError.reason} | {"status": "busy"} |
# {"status": "store_error"} | {"status": "failed"} (a traceback on stderr).


def child_main(argv: list[str]) -> int:
    private_umask()
    if len(argv) != 3:
        print("usage: python -m clinic_bi.ingest.watch FOLDER DB OUTCOME.pickle", file=sys.stderr)
        return 2
    folder, db, target = Path(argv[0]), Path(argv[1]), Path(argv[2])
    outcome: dict[str, Any]
    try:
        outcome = {"status": "ok", "report": run_pass(folder, db)}
    except FolderError as exc:
        outcome = {"status": "folder", "reason": exc.reason}
    except store.StoreLocked:
        outcome = {"status": "busy"}
    except store.StoreError as exc:
        print(f"clinic_bi.ingest.watch: {exc}", file=sys.stderr)
        outcome = {"status": "store_error"}
    except Exception:  # a bug: the traceback goes to the server's log
        traceback.print_exc()
        outcome = {"status": "failed"}
    part = target.with_name(target.name + ".part")
    with open_private(part) as f:
        pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(part, target)
    return 0


if __name__ == "__main__":
    # Run as clinic_bi.ingest.watch, not as __main__: the pickled report's classes must be the
    # module's own, which the page unpickles.
    from clinic_bi.ingest import watch as _module

    sys.exit(_module.child_main(sys.argv[1:]))
