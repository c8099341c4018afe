"""Personal data handling: phones become salted hashes, names never reach the store.

The SQL side (`queries/ingest/_macros.sql`: `phone_norm`, `phone_hash`) computes the same values
in bulk during a load; these Python twins serve tests and one-off look-ups, and a test checks that
both agree.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

from clinic_bi.paths import FILE_MODE, make_private_dir, tighten

_NON_DIGITS = re.compile(r"\D")


def normalize_phone(raw: str | None) -> str | None:
    """Digits only; a Russian number in any common spelling becomes 7XXXXXXXXXX.

    `8 (912) 000-00-01`, `+7 912 000-00-01` and `9120000001` all give `79120000001`.
    Fewer than 10 digits is not a phone number we can match: None.
    """
    if raw is None:
        return None
    digits = _NON_DIGITS.sub("", str(raw))
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits if len(digits) >= 10 else None


def phone_hash(salt: str, raw: str | None) -> str | None:
    norm = normalize_phone(raw)
    if norm is None:
        return None
    return hashlib.sha256((salt + norm).encode("utf-8")).hexdigest()


def salt_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".salt")


def load_or_create_salt(db_path: Path) -> str:
    """The store's salt lives beside it (`<store>.salt`), created on first use, readable by the
    owner only: created 0600 (os.open with the mode, so no umask widens it), an existing one
    tightened to 0600, its folder created 0700 when missing (`paths.make_private_dir`). Losing
    it means new uploads no longer link to old hashes, so it is never regenerated when
    present."""
    path = salt_path(Path(db_path))
    if path.exists():
        tighten(path, FILE_MODE)
        return path.read_text(encoding="ascii").strip()
    make_private_dir(path.parent)
    salt = secrets.token_hex(16)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(salt + "\n")
    return salt
