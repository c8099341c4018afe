"""The store's salt: a secret beside the store file (`<store>.salt`) that phone hashes and
derived patient keys are made with, so the same person gets the same key in every upload."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from clinic_bi.paths import FILE_MODE, make_private_dir, tighten


def salt_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".salt")


def load_or_create_salt(db_path: Path) -> str:
    """The store's salt lives beside it (`<store>.salt`), created on first use, readable by the
    owner only: created 0600 (os.open with the mode, so no umask widens it), an existing one
    tightened to 0600, its folder created 0700 when missing (`paths.make_private_dir`). Losing
    it means new uploads no longer link to old hashes, so it is never regenerated when
    present.

    Two first loads may start at once (two CLI runs on a new store): the salt is written whole to
    a private temp file and then linked into place, which fails if the other got there first; the
    loser reads the winner's salt, which is complete, since a link appears only once written."""
    path = salt_path(Path(db_path))
    if path.exists():
        return _read(path)
    make_private_dir(path.parent)
    salt = secrets.token_hex(16)
    fd, temp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)  # 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(salt + "\n")
        os.link(temp, path)
    except FileExistsError:
        return _read(path)
    finally:
        os.unlink(temp)
    return salt


def _read(path: Path) -> str:
    tighten(path, FILE_MODE)
    return path.read_text(encoding="ascii").strip()
