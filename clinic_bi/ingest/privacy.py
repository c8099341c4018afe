"""Personal data handling: phones become salted hashes, names never reach the store. The salt
itself lives beside the store (clinic_bi/store/salt.py).

The SQL side (`queries/ingest/_macros.sql`: `phone_norm`, `phone_hash`) computes the same values
in bulk during a load; these Python twins serve tests and one-off look-ups, and a test checks that
both agree.
"""

from __future__ import annotations

import hashlib
import re

_NON_DIGITS = re.compile(r"\D")
_PHONE_PARTS = re.compile(r"[,;/\n]")


def normalize_phone(raw: str | None) -> str | None:
    """Digits only; a Russian number in any common spelling becomes 7XXXXXXXXXX.

    `8 (912) 000-00-01`, `+7 912 000-00-01` and `9120000001` all give `79120000001`.
    Fewer than 10 digits, or more than 15 (E.164's longest), is not a phone we can match: None.
    """
    if raw is None:
        return None
    digits = _NON_DIGITS.sub("", str(raw))
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10:
        digits = "7" + digits
    return digits if 10 <= len(digits) <= 15 else None


def phone_hash(salt: str, raw: str | None) -> str | None:
    """The store's phone_hash of a cell: the salted hash of each phone in it (a cell may hold
    several, split on `,` `;` `/` and line breaks), sorted and joined by commas; None when no
    part is a phone."""
    if raw is None:
        return None
    hashes = {
        hashlib.sha256((salt + norm).encode("utf-8")).hexdigest()
        for part in _PHONE_PARTS.split(str(raw))
        if (norm := normalize_phone(part)) is not None
    }
    return ",".join(sorted(hashes)) or None
