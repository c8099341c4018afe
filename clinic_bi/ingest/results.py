"""What a load gives back: LoadResult (counts, notes, the first reasons, the rejected rows), the
Issue it reports per row, and LoadError for a file of which nothing was written.

They live apart from loader.py because the journal (removing an upload raises LoadError) and the
parsing step (it collects the Issues) need them too; loader.py re-exports all three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from clinic_bi.ingest.messages import Worded
from clinic_bi.ingest.reconcile import Reconciliation, sentence

MAX_REASONS = 20


class LoadError(Worded, Exception):
    """A file that could not be loaded at all (nothing of it was written). Its message is a
    Text (clinic_bi/ingest/messages.py, "refusals"): str(exc) is that Text."""


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
    # rows of an earlier version of the same export that this file no longer has (resaved.py)
    rows_superseded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)  # the first MAX_REASONS
    notes: list[str] = field(default_factory=list)
    period: tuple[date | None, date | None] = (None, None)
    rejected_rows: pd.DataFrame | None = None  # the rejected rows as they were in the file
    error: str | None = None  # a Text (messages.py, "refusals") where the loader refused
    duplicate_of: int | None = None  # the same file was already loaded as this batch
    reconciliation: Reconciliation | None = None  # against the file's own «Итого»

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
            "rows_superseded": self.rows_superseded,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "warnings": self.warnings,
            "issues": [i.__dict__ for i in self.issues],
            "notes": self.notes,
            "period": [d.isoformat() if d else None for d in self.period],
            "error": self.error,
            "duplicate_of": self.duplicate_of,
            "reconciliation": None if self.reconciliation is None else {
                "file_total": float(self.reconciliation.file_total),
                "total_source": self.reconciliation.total_source,
                "loaded_total": float(self.reconciliation.loaded_total),
                "rejected_total": float(self.reconciliation.rejected_total),
                "rejected_unread": self.reconciliation.rejected_unread,
                "agrees": self.reconciliation.agrees,
                "text": self.reconciliation_text("ru"),
            },
        }

    def reconciliation_text(self, lang: str = "ru") -> str | None:
        r = self.reconciliation
        if r is None:
            return None
        return sentence(r.file_total, r.total_source, r.loaded_total, r.rejected_total,
                        r.rejected_unread, lang)
