"""One upload of the web app, loaded in a child process of its own (issue 10, item 6).

    python -m clinic_bi.app.load_worker REQUEST.json OUTCOME.pickle

Why a child: a load inside the Streamlit process would have to hold the process-wide lock
(`clinic_bi/app/data.py`) for the whole load — DuckDB refuses a second handle on the file in one
process — and every other session's page takes that lock, so every browser froze for the length
of the load. A load from the command line never had that problem: it is another process, so the
app's engine simply keeps serving the models it built (its attach is refused, `_StoreBusy`). The
app's loads now work the same way: the child opens the store itself and loads the file with
`loader.ingest_file`, the very call `loader.ingest_paths` (the CLI) makes, in one transaction.
A child that dies (killed, out of memory) takes its transaction with it: the store is unchanged.

The parent (`clinic_bi/app/upload.py`) checks the user's role before it starts the child, and
drives the moment the child opens the store over stdin/stdout, so that the open never collides
with the parent's own engine attaching the file for another session:

    child → "ready"            imports done, request read
    parent ← takes the process lock, → "try"
    child → "connected"        the store is open read-write: from now on the parent's engine is
                               refused and serves its models; the parent lets go of the lock
          | "locked"           another process holds the store; the parent lets go of the lock,
                               waits a moment and says "try" again, until its patience ends
                               and it closes stdin (the outcome is then "busy")
          | "failed"           the store cannot be opened at all (outcome "store_error")

The child then loads and writes its outcome — a dict pickled into OUTCOME.pickle, written under
another name and renamed, so a half-written file is never read. Pickle is safe here: both files
are in the session's private 0700 folder and the child is this code. Outcome statuses:

    ok           {"result": LoadResult}   (with the rejected rows, as the loader gives them)
    load_error   {"message": str}         the loader's LoadError: plain text for the user
    busy         the store stayed held by another process
    store_error  the store would not open (the message names paths and DuckDB's words, so it
                 goes to the server log, not to the page)
    failed       an unexpected exception (its traceback goes to stderr → the server log)

Request (JSON): {"db": str, "path": str, "profile": Profile.to_dict() | null}.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import traceback
from pathlib import Path
from typing import Any

import duckdb

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.ingest.loader import LoadError
from clinic_bi.ingest.mapping import Profile
from clinic_bi.paths import open_private, private_umask
from clinic_bi.store.salt import load_or_create_salt

READY, TRY, CONNECTED, LOCKED, FAILED = "ready", "try", "connected", "locked", "failed"


def _say(word: str) -> None:
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def write_outcome(path: Path, outcome: dict[str, Any]) -> None:
    """Pickle `outcome` into `path` (0600), atomically."""
    part = path.with_name(path.name + ".part")
    with open_private(part) as f:
        pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(part, path)


def _open_store(db: Path) -> duckdb.DuckDBPyConnection | dict[str, Any]:
    """The connection, once the parent said "try" and the store opened; else the outcome."""
    for line in sys.stdin:
        if line.strip() != TRY:
            break
        try:
            con = store.connect(db, wait_seconds=0)  # the parent does the waiting
        except store.StoreError as exc:
            if isinstance(exc, store.StoreLocked):
                _say(LOCKED)
                continue
            print(f"clinic_bi.app.load_worker: {exc}", file=sys.stderr, flush=True)
            _say(FAILED)
            return {"status": "store_error"}
        con.execute("set enable_progress_bar = false")  # DuckDB would draw it on stdout
        _say(CONNECTED)
        # Nobody reads stdout from here on: a full pipe must never stall the load.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return con
    return {"status": "busy"}  # the parent stopped asking: the store stayed held


def run(request: dict[str, Any]) -> dict[str, Any]:
    db, path = Path(request["db"]), Path(request["path"])
    profile = Profile.from_dict(request["profile"]) if request.get("profile") else None
    salt = load_or_create_salt(db)
    _say(READY)
    opened = _open_store(db)
    if isinstance(opened, dict):
        return opened
    con = opened
    try:
        try:
            return {"status": "ok", "result": loader.ingest_file(con, path, salt, profile=profile)}
        except LoadError as exc:
            return {"status": "load_error", "message": str(exc)}
    finally:
        con.close()


def main(argv: list[str]) -> int:
    private_umask()  # the store's WAL, the salt, the outcome: 0600, as in the CLI
    if len(argv) != 2:
        print("usage: python -m clinic_bi.app.load_worker REQUEST.json OUTCOME.pickle",
              file=sys.stderr)  # fmt: skip
        return 2
    request_path, outcome_path = Path(argv[0]), Path(argv[1])
    try:
        outcome = run(json.loads(request_path.read_text(encoding="utf-8")))
    except Exception:  # a bug, not the user's file: the traceback goes to the server's log
        traceback.print_exc()
        outcome = {"status": "failed"}
    write_outcome(outcome_path, outcome)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
