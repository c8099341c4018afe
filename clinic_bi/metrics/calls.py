"""Call lists: whom the administrator should call (page Кого позвать; METRICS.md "Call lists").

Four lists, each one query of queries/metrics/ (the rules are there, in their header comments):

- `lapsed`  (call_list_lapsed.sql): the last visit more than N months before data_end, N by the
  last visit's department, and no future appointment;
- `missed`  (call_list_missed.sql): a no-show or cancellation between M and N days ago that no
  later appointment or visit followed;
- `plans`   (call_list_plans.sql): a contract / treatment plan with money left, not started or
  not finished, the patient idle for K days and not booked;
- `recall`  (call_list_recall.sql): the last hygiene visit plus the hygiene interval falls in the
  month after data_end's month, and no future appointment.

"Today" is the store's data_end, never the wall clock: a list is reproducible from the data, and
a patient who came back leaves it by themselves with the next upload. The lists do not depend on
the period of the filters (they are as of data_end); the doctor, department and branch filters
narrow them (each query says which row they apply to). The settings (N per department, M, the
rebooking days, K) live in the store (clinic_bi/store/call_settings.py) and reach the SQL as
bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from clinic_bi import store
from clinic_bi.metrics.api import Filters, _name_list
from clinic_bi.metrics.engine import Engine, plain_value
from clinic_bi.store import call_settings
from clinic_bi.store.call_settings import CallSettings

LISTS: tuple[str, ...] = ("lapsed", "missed", "plans", "recall")
QUERIES: dict[str, str] = {name: f"call_list_{name}" for name in LISTS}
# How long reading the settings waits for another process's load (then: the defaults).
SETTINGS_WAIT_SECONDS = 1.0
REPORT_ROWS = 10


@dataclass(frozen=True)
class CallSummary:
    """The Обзор line: distinct patients over the four lists, and the sum over them of each one's
    largest value in any list (a patient with no value in any list adds nothing). value is None
    when no patient has a value."""

    patients: int
    value: float | None


@dataclass(frozen=True)
class ListTotals:
    """One list's tab title: its rows, its distinct patients and the sum of its values."""

    rows: int
    patients: int
    value: float | None


def settings_of(engine: Engine) -> CallSettings:
    """The store's call settings (defaults when none are saved, or while another process holds
    the store for longer than SETTINGS_WAIT_SECONDS)."""
    if engine.store_path is None:
        # Engine(connection=con): the store is the cursor's default database, `meta` included
        return call_settings.read(engine._con)  # noqa: SLF001 — the engine's own cursor
    if not engine.store_path.exists():
        return CallSettings()
    try:
        con = store.connect(engine.store_path, read_only=True, wait_seconds=SETTINGS_WAIT_SECONDS)
    except store.StoreLocked:
        return CallSettings()
    try:
        return call_settings.read(con)
    finally:
        con.close()


def department_months(engine: Engine, settings: CallSettings) -> pd.DataFrame:
    """The lapse interval of each department that has visits: department, months, source
    ('clinic' = set on the page, 'default' = by its name or the default)."""
    own = dict(settings.months_by_department)
    names = engine.names().departments
    return pd.DataFrame({
        "department": list(names),
        "months": [settings.months_for(n) for n in names],
        "source": ["clinic" if n in own else "default" for n in names],
    })  # fmt: skip


def _narrowing(f: Filters | None) -> dict[str, Any]:
    if f is None:
        return {"doctor": None, "department": None, "branch": None}
    return {
        "doctor": _name_list(f.doctor),
        "department": _name_list(f.department),
        "branch": _name_list(f.branch),
    }


def _interval_params(engine: Engine, settings: CallSettings) -> dict[str, Any]:
    names = list(engine.names().departments)
    return {
        "department_names": names,
        "department_months": [settings.months_for(n) for n in names],
        "default_months": settings.default_months,
    }


def call_list(
    engine: Engine, name: str, f: Filters | None = None, settings: CallSettings | None = None
) -> pd.DataFrame:
    """One list as a DataFrame, sorted by value (largest first). Columns: patient_id, doctor,
    department, branch, last_visit_date, value and the list's own —
    lapsed: lapse_months, months_since; missed: missed_date, status, days_since, value_basis;
    plans: contract_id, signed_date, plan_state ('not_started' / 'not_finished'), amount, paid,
    amount_left; recall: last_hygiene_date, recall_months, due_date."""
    if name not in QUERIES:
        raise ValueError(f"list: one of {LISTS}, not {name!r}")
    settings = settings_of(engine) if settings is None else settings
    params: dict[str, Any] = _narrowing(f)
    if name == "lapsed":
        params.update(_interval_params(engine, settings),
                      within_months=settings.lapsed_within_months)  # fmt: skip
    elif name == "missed":
        params.update(missed_days=settings.missed_days, rebook_days=settings.rebook_days)
    elif name == "plans":
        params.update(plan_idle_days=settings.plan_idle_days)
    else:
        params.update(_interval_params(engine, settings),
                      hygiene_words=list(call_settings.HYGIENE_WORDS))  # fmt: skip
    return engine.query(QUERIES[name], params)


def call_lists(
    engine: Engine, f: Filters | None = None, settings: CallSettings | None = None
) -> dict[str, pd.DataFrame]:
    """The four lists, by name (LISTS), from one data version and one reading of the settings."""
    with engine.snapshot():
        settings = settings_of(engine) if settings is None else settings
        return {name: call_list(engine, name, f, settings) for name in LISTS}


def narrowed(lists: dict[str, pd.DataFrame], f: Filters | None) -> dict[str, pd.DataFrame]:
    """The clinic's lists (call_lists without names) narrowed to f's doctors, departments and
    branches, as each query's kept_by_filters narrows them: on the row shown (its doctor,
    department and branch columns are the ones the query filters by; a row without the name is
    left out once that name is chosen). Обзор counts the lists for every filter change: one
    reading of the lists per data version, narrowed here, instead of four queries each time.
    tests/metrics/test_calls.py checks it against the queries' own narrowing."""
    if f is None:
        return lists
    chosen = {column: _name_list(getattr(f, column)) for column in ("doctor", "department",
                                                                    "branch")}  # fmt: skip
    out = {}
    for name, frame in lists.items():
        keep = pd.Series(True, index=frame.index)
        for column, names in chosen.items():
            if names is not None:
                keep &= frame[column].isin(names)
        out[name] = frame[keep].reset_index(drop=True)
    return out


def totals(frame: pd.DataFrame) -> ListTotals:
    """A list's rows, distinct patients and total value (None when no row has a value)."""
    values = frame["value"].dropna()
    return ListTotals(
        rows=len(frame),
        patients=int(frame["patient_id"].nunique()),
        value=plain_value(values.sum()) if len(values) else None,
    )


def summary_of(lists: dict[str, pd.DataFrame]) -> CallSummary:
    """CallSummary of lists already computed (see CallSummary)."""
    rows = [frame[["patient_id", "value"]] for frame in lists.values() if len(frame)]
    if not rows:
        return CallSummary(0, None)
    every = pd.concat(rows, ignore_index=True)
    largest = every.groupby("patient_id")["value"].max().dropna()
    return CallSummary(
        patients=int(every["patient_id"].nunique()),
        value=plain_value(largest.sum()) if len(largest) else None,
    )


def summary(
    engine: Engine, f: Filters | None = None, settings: CallSettings | None = None
) -> CallSummary:
    """The Обзор line ("42 пациента на 1,8 млн ₽ ждут звонка"): CallSummary over the four lists
    narrowed by f's doctor, department and branch (not its period)."""
    return summary_of(call_lists(engine, f, settings))


def _json_value(value: Any) -> Any:
    value = plain_value(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def report_section(
    engine: Engine, f: Filters, settings: CallSettings | None = None
) -> dict[str, Any] | None:
    """The report's "Whom to call" section (JSON-ready), or None for a store without visits:

    {"as_of": data_end 'YYYY-MM-DD', "patients": int, "value": float | None (CallSummary),
     "settings": {"default_months", "missed_days", "rebook_days", "plan_idle_days",
                  "lapsed_within_months",
                  "months_by_department": {department: months}},
     "lists": {name: {"rows", "patients", "value", "top": [the first REPORT_ROWS rows, each a
               dict of the list's columns]}}}

    The period of f is not used (the lists are as of data_end); its names narrow the lists."""
    with engine.snapshot():
        data_end = engine.facts().data_end
        if data_end is None:
            return None
        settings = settings_of(engine) if settings is None else settings
        lists = call_lists(engine, f, settings)
        months = department_months(engine, settings)
    overall = summary_of(lists)
    section: dict[str, Any] = {
        "as_of": data_end.isoformat(),
        "patients": overall.patients,
        "value": overall.value,
        "settings": {
            "default_months": settings.default_months,
            "missed_days": settings.missed_days,
            "rebook_days": settings.rebook_days,
            "plan_idle_days": settings.plan_idle_days,
            "lapsed_within_months": settings.lapsed_within_months,
            "months_by_department": dict(zip(months["department"], map(int, months["months"]),
                                             strict=True)),  # fmt: skip
        },
        "lists": {},
    }
    for name, frame in lists.items():
        t = totals(frame)
        top = [{k: _json_value(v) for k, v in row.items()}
               for row in frame.head(REPORT_ROWS).to_dict("records")]  # fmt: skip
        section["lists"][name] = {"rows": t.rows, "patients": t.patients, "value": t.value,
                                  "top": top}  # fmt: skip
    return section
