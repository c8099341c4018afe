"""The one exception of the delivery: a refusal the user can act on, worded at the edge."""

from __future__ import annotations

from typing import Any

from clinic_bi.delivery import words


class DeliveryError(Exception):
    """Why nothing was sent: a phrase of delivery/words.py and its fields, written in the
    user's language by `text(lang)` (the CLI prints it; no traceback)."""

    def __init__(self, key: str, /, **fields: Any) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields

    def text(self, lang: str) -> str:
        return words.t(self.key, lang, **self.fields)

    def __str__(self) -> str:
        return self.text("en")
