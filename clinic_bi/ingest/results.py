"""What a load gives back: LoadResult (counts, notes, the first reasons, the rejected rows), the
Issue it reports per row, and LoadError for a file of which nothing was written.

They live apart from loader.py because the journal (removing an upload raises LoadError) and the
parsing step (it collects the Issues) need them too; loader.py re-exports all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

MAX_REASONS = 20


class LoadError(Exception):
    """A file that could not be loaded at all (nothing of it was written)."""


@dataclass(frozen=True)
class Issue:
    row: int
    column: str | None
    value: str | None
    reason: str
    severity: str  # 'rejected' | 'warning'


@dataclass
class LoadResult:
    file: str
    kind: str | None = None
    batch_id: int | None = None
    fmt: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    profile: str | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_replaced: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)  # the first MAX_REASONS
    notes: list[str] = field(default_factory=list)
    period: tuple[date | None, date | None] = (None, None)
    rejected_rows: pd.DataFrame | None = None  # the rejected rows as they were in the file
    error: str | None = None
    duplicate_of: int | None = None  # the same file was already loaded as this batch

    @property
    def rows_loaded(self) -> int:
        return self.rows_new + self.rows_replaced

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "kind": self.kind,
            "batch_id": self.batch_id,
            "format": self.fmt,
            "profile": self.profile,
            "mapping": self.mapping,
            "ignored_columns": self.ignored_columns,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_new": self.rows_new,
            "rows_replaced": self.rows_replaced,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "warnings": self.warnings,
            "issues": [i.__dict__ for i in self.issues],
            "notes": self.notes,
            "period": [d.isoformat() if d else None for d in self.period],
            "error": self.error,
            "duplicate_of": self.duplicate_of,
        }
