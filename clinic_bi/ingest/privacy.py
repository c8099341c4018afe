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
