"""Uploaded files on disk between the Данные page's reruns: where each is written and under which
name, its first preview (`stage`), and when it is deleted. The page is `clinic_bi/app/upload.py`;
one file's kind, mapping and profile are `clinic_bi/app/file_panel.py`.

Staged uploads (issue 10, items 3 and 8). An uploaded file is written to disk once, for the
preview and the load, into ONE private folder per session (`clinic_bi_upload_*` in the system
temp folder, 0700; files 0600), as `<session folder>/<fresh uuid4>/<name>`:

- nothing of the path comes from the client's `file_id` (a crafted one once wrote outside the
  session folder), and the resolved path is checked to lie inside the session folder;
- `<name>` is the file's own name made safe (`disk_name`: no folder part, no control
  characters, no leading dot, at most MAX_NAME_BYTES bytes — a 300-character name raised
  ENAMETOOLONG). The file itself keeps that name rather than a bare uuid because the loader
  records `path.name` in the upload journal and quotes it in its messages: the journal must
  say "services_march.csv", not a uuid. The full original name is kept in `Staged.name` for
  the page (shortened in titles by `short_name`);
- a staged file is deleted when its load ends (loaded or not), and when it disappears from the
  uploader's list (the user removed it), with its cached previews;
- the whole session folder is deleted when the session ends: it is a session-scoped
  `st.cache_resource` whose `on_release` removes it (Streamlit calls it when the browser
  disconnects; a reconnecting session finds its files gone and writes them again from the
  uploader, which still holds them). A server killed outright never calls it: once per
  process, the Данные page removes this user's `clinic_bi_upload_*` folders untouched for
  STALE_AFTER_SECONDS (`remove_stale_uploads`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from clinic_bi.app import data
from clinic_bi.app.i18n import t
from clinic_bi.app.safe import md
from clinic_bi.ingest import loader
from clinic_bi.ingest.loader import Preview
from clinic_bi.paths import open_private

UPLOAD_PREFIX = "clinic_bi_upload_"
STALE_AFTER_SECONDS = 12 * 3600
MAX_NAME_BYTES = 150  # of a staged file's name on disk (ext4 and most others allow 255)
TITLE_CHARS = 80  # of a file name in an expander title or the progress text

_LOG = logging.getLogger(__name__)


@dataclass
class Staged:
    """One uploaded file as the page holds it between reruns: `file_id` is the uploader's (a
    key of the session's dict only, never part of a path), `uid` the fresh uuid of its folder
    on disk (and of its widgets' keys), `name` the name the user's file had."""

    file_id: str
    name: str
    path: Path
    detected: Preview
    uid: str = ""


# -- where staged files live -------------------------------------------------------------------


def _release_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


@st.cache_resource(scope="session", on_release=_release_folder, show_spinner=False)
def _session_folder() -> Path:
    """This session's private folder for staged uploads (0700: `mkdtemp`). Removed with
    everything in it when the session ends (see the module doc)."""
    return Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))


def session_folder() -> Path:
    """The session's folder, made again if something removed it meanwhile."""
    folder = _session_folder()
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def remove_stale_uploads(
    temp_dir: Path | None = None, max_age: float = STALE_AFTER_SECONDS, now: float | None = None
) -> list[Path]:
    """Delete the `clinic_bi_upload_*` folders in `temp_dir` (the system temp folder) that this
    user owns and nothing touched for `max_age` seconds: left by a server that was killed, or
    by versions that never deleted uploads. A live session's folder is touched by every staged
    file and every load. Folders that cannot be deleted are logged and left; returns those
    deleted."""
    temp_dir = Path(temp_dir or tempfile.gettempdir())
    now = time.time() if now is None else now
    uid = os.getuid() if hasattr(os, "getuid") else None
    removed: list[Path] = []
    try:
        entries = list(temp_dir.glob(UPLOAD_PREFIX + "*"))
    except OSError:
        return removed
    for entry in entries:
        try:
            info = entry.lstat()
            if not stat.S_ISDIR(info.st_mode) or (uid is not None and info.st_uid != uid):
                continue  # a symlink, a file, or another user's: not ours to delete
            if now - info.st_mtime < max_age:
                continue
            shutil.rmtree(entry)
            removed.append(entry)
        except OSError as exc:
            _LOG.warning("could not delete the stale upload folder %s: %s", entry, exc)
    return removed


@st.cache_resource(show_spinner=False)
def stale_uploads_removed() -> int:
    """Once per server process (the first Данные page drawn)."""
    return len(remove_stale_uploads())


_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")


def disk_name(client_name: str) -> str:
    """A name for an uploaded file on disk, from the name the browser sent: its last part only
    (no folders, not "." or ".."), control characters and separators replaced, no leading dot
    or space, at most MAX_NAME_BYTES bytes in UTF-8 with the suffix kept (the reader looks at
    it). Never empty."""
    name = re.split(r"[/\\]", str(client_name))[-1]
    name = "".join(ch if ch.isprintable() else "_" for ch in _UNSAFE.sub("_", name))
    name = name.strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    suffix = "." + suffix if suffix else ""
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    while len(stem.encode("utf-8")) > room:
        stem = stem[:-1]
    stem = stem.strip(" .") or "upload"
    return stem + suffix


def short_name(name: str, limit: int = TITLE_CHARS) -> str:
    """A long file name shortened for a title: its start, "…", its end (the suffix shows)."""
    if len(name) <= limit:
        return name
    tail = min(20, limit // 3)
    return name[: limit - tail - 1] + "…" + name[-tail:]


def _write_staged(folder: Path, uid: str, upload: Any) -> Path:
    """Write an upload's bytes to `<folder>/<uid>/<disk_name>`, 0600, checking first that the
    resolved path lies inside `folder`."""
    target = folder / uid / disk_name(upload.name)
    inside = folder.resolve()
    if target.resolve().parent.parent != inside or not target.resolve().is_relative_to(inside):
        raise ValueError(f"staged path outside the session folder: {target!r}")
    target.parent.mkdir(mode=0o700, exist_ok=True)
    with open_private(target) as out:
        out.write(upload.getvalue())
    return target


def drop_staged(file_id: str) -> None:
    """Delete one staged file (and its folder), its record and its cached previews."""
    staged: dict[str, Staged] = st.session_state.setdefault("staged", {})
    item = staged.pop(file_id, None)
    previews: dict = st.session_state.setdefault("previews", {})
    for key in [k for k in previews if k[0] == file_id]:
        del previews[key]
    if item is not None:
        shutil.rmtree(item.path.parent, ignore_errors=True)


def forget_dropped(files: list[Any]) -> None:
    """Delete what was staged for files no longer in the uploader's list."""
    current = {f.file_id for f in files}
    for file_id in [k for k in st.session_state.get("staged", {}) if k not in current]:
        drop_staged(file_id)


def stage(files: list[Any], clinic_db: Path, lang: str) -> list[Staged]:
    """Write each uploaded file to disk once and preview it once (kept in the session). A file
    that cannot be written (a full disk) is said so and left out."""
    staged: dict[str, Staged] = st.session_state.setdefault("staged", {})
    folder = session_folder()
    out = []
    remembered = None
    for f in files:
        item = staged.get(f.file_id)
        if item is not None and item.path.exists():
            out.append(item)
            continue
        if item is None and remembered is None:  # before writing: StoreBusy leaves nothing
            with data.read_connection(clinic_db) as con:
                remembered = loader.saved_profiles(con) if con is not None else []
        uid = item.uid if item is not None else uuid.uuid4().hex
        try:
            path = _write_staged(folder, uid, f)
        except (OSError, ValueError) as exc:
            _LOG.warning("could not stage an upload: %s", exc)
            st.error(t("stage_failed", lang, name=md(short_name(str(f.name)))))
            continue
        if item is not None:  # the session's folder went (a reconnect): written again
            item.path = path
            out.append(item)
            continue
        staged[f.file_id] = Staged(f.file_id, str(f.name), path,
                                   loader.preview(path, remembered), uid)  # fmt: skip
        out.append(staged[f.file_id])
    return out
