"""The call lists' settings (page Кого позвать; METRICS.md "Call lists"), kept in the store's
`meta` table as one JSON value under the key 'call_settings'.

- `months_by_department`: a lapse interval (months) the clinic set for a department by name;
- `default_months`: the interval of a department neither set nor matched by DEFAULT_MONTHS;
- `missed_days` (M): how far back a no-show or a cancellation is looked at;
- `rebook_days` (N): the days a missed appointment is given to be rebooked before it is listed;
- `plan_idle_days` (K): the days without a visit after which an unfinished plan is listed;
- `lapsed_within_months` (L): how far back a lapsed patient's last visit may lie (older ones
  have most likely moved or changed clinic: a list of every patient ever seen is no call list).

A department's interval: the clinic's own (months_by_department), else the first of
DEFAULT_MONTHS whose word its lower-cased name contains, else default_months (`months_for`).
A store without the key, or with a value this version cannot read, has the defaults: the
lists never fail on their settings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from clinic_bi.store import transaction

KEY = "call_settings"

# Default lapse intervals by a word of the department's name, first match wins: orthodontics
# and the children's department before therapy ("Детская терапия" is a children's department).
DEFAULT_MONTHS: tuple[tuple[str, int], ...] = (
    ("ортодонт", 3), ("orthodont", 3),
    ("детск", 6), ("child", 6), ("pediatr", 6), ("paediatr", 6),
    ("гигиен", 6), ("hygien", 6),
    ("хирург", 12), ("surg", 12), ("имплант", 12), ("implant", 12),
    ("ортопед", 12), ("prosth", 12),
    ("терап", 12), ("therap", 12),
)  # fmt: skip
# The departments whose patients are recalled for hygiene (a word of the lower-cased name).
HYGIENE_WORDS: tuple[str, ...] = ("гигиен", "hygien")

LIMITS: dict[str, tuple[int, int]] = {
    "months": (1, 60),
    "missed_days": (1, 730),
    "rebook_days": (0, 365),
    "plan_idle_days": (1, 1095),
    "lapsed_within_months": (2, 240),
}


class CallSettingsError(ValueError):
    """A setting out of its range, with the range."""


@dataclass(frozen=True)
class CallSettings:
    months_by_department: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    default_months: int = 12
    missed_days: int = 60
    rebook_days: int = 14
    plan_idle_days: int = 90
    lapsed_within_months: int = 24

    def months_for(self, department: str | None) -> int:
        """The lapse interval of a department (see the module doc)."""
        own = dict(self.months_by_department)
        if department is not None and department in own:
            return own[department]
        if department is not None:
            name = department.lower()
            for word, months in DEFAULT_MONTHS:
                if word in name:
                    return months
        return self.default_months

    def with_months(self, months: dict[str, int]) -> CallSettings:
        """These settings with the clinic's intervals replaced by `months` (sorted by name)."""
        return replace(self, months_by_department=tuple(sorted(months.items())))

    def check(self) -> CallSettings:
        """Itself when every value is in range (LIMITS), else CallSettingsError."""
        values = [("default_months", self.default_months, "months")]
        values += [(f"months[{d}]", m, "months") for d, m in self.months_by_department]
        values += [(n, getattr(self, n), n) for n in ("missed_days", "rebook_days",
                                                      "plan_idle_days", "lapsed_within_months")]
        for name, value, limit in values:
            low, high = LIMITS[limit]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise CallSettingsError(f"{name}: a whole number from {low} to {high}, not {value!r}")
        if self.rebook_days >= self.missed_days:
            raise CallSettingsError(
                f"rebook_days ({self.rebook_days}) must be less than missed_days "
                f"({self.missed_days})"
            )
        return self

    def to_json(self) -> str:
        return json.dumps({
            "months_by_department": dict(self.months_by_department),
            "default_months": self.default_months,
            "missed_days": self.missed_days,
            "rebook_days": self.rebook_days,
            "plan_idle_days": self.plan_idle_days,
            "lapsed_within_months": self.lapsed_within_months,
        }, ensure_ascii=False, sort_keys=True)  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> CallSettings:
        """Settings from their JSON; CallSettingsError (or a ValueError of json) when it is not
        readable or out of range."""
        raw: Any = json.loads(text)
        if not isinstance(raw, dict):
            raise CallSettingsError("call_settings: not a JSON object")
        base = cls()
        months = raw.get("months_by_department", {})
        if not isinstance(months, dict):
            raise CallSettingsError("months_by_department: not an object")
        settings = cls(
            months_by_department=tuple(sorted((str(k), v) for k, v in months.items())),
            default_months=raw.get("default_months", base.default_months),
            missed_days=raw.get("missed_days", base.missed_days),
            rebook_days=raw.get("rebook_days", base.rebook_days),
            plan_idle_days=raw.get("plan_idle_days", base.plan_idle_days),
            lapsed_within_months=raw.get("lapsed_within_months", base.lapsed_within_months),
        )
        return settings.check()


def read(con: duckdb.DuckDBPyConnection) -> CallSettings:
    """The store's settings; the defaults when none are saved or the saved value is unreadable."""
    rows = con.execute("select value from meta where key = $key", {"key": KEY}).fetchall()
    if not rows:
        return CallSettings()
    try:
        return CallSettings.from_json(rows[0][0])
    except ValueError:
        return CallSettings()


def save(con: duckdb.DuckDBPyConnection, settings: CallSettings) -> None:
    """Write the settings (checked first) in one transaction. They are not data: data_version
    does not move (the lists take them as parameters, so no cached list is stale)."""
    text = settings.check().to_json()
    with transaction(con):
        con.execute("delete from meta where key = $key", {"key": KEY})
        con.execute("insert into meta values ($key, $value)", {"key": KEY, "value": text})
