"""Goals entered on the План page, written to the store as one batch of the journal each.

A goals file loads through the normal ingest (queries/ingest/goals.sql); an edit on the page is
the same thing without a file: its rows go into the canonical table `goals` under a new batch of
kind 'goals', keyed by the goal's identity exactly as the ingest keys them (`goal_id`), and an
earlier value of the same identity moves to `goals__replaced` (queries/store/upsert.sql). So
removing the batch — on Данные, or «Отменить последнюю правку» on План — puts the earlier value
back (queries/store/remove.sql, clinic_bi/ingest/journal.remove_batch). A cleared goal is a row
with no value. Everything happens in one transaction: the store is never half-written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from clinic_bi import store
from clinic_bi.store.statements import table_sql

SCOPES: tuple[str, ...] = ("clinic", "department", "doctor")
FIGURES: tuple[str, ...] = ("revenue", "visits", "new_patients")
# The journal's "file name" of an edit on the page (a Russian sentence, like every file name the
# journal shows); the user who saved it follows.
PAGE_EDIT_NAME = "План: правка на странице"


class GoalError(ValueError):
    """A goal that cannot be saved, with what is wrong (a message in Russian and the key of
    its English form in the page's words)."""


@dataclass(frozen=True)
class Goal:
    """One goal as the page edits it. `value` None: no goal (clears one that was set)."""

    month: date
    scope: str
    scope_name: str | None
    figure: str
    value: float | None


def goal_id(month: date, scope: str, scope_name: str | None, figure: str) -> str:
    """The goal's identity, 'YYYY-MM|scope|name|figure' (the clinic has no name): the same text
    queries/ingest/goals.sql builds, so a file and a page edit replace each other."""
    name = "" if scope == "clinic" else _tidy(scope_name) or ""
    return f"{month:%Y-%m}|{scope}|{name}|{figure}"


def _tidy(name: str | None) -> str | None:
    """A name as the ingest keeps it (clean_name: single spaces, trimmed); empty: None."""
    if name is None:
        return None
    text = " ".join(str(name).split())
    return text or None


def checked(goal: Goal) -> Goal:
    """The goal as stored (month on its 1st, the name tidied, none for the clinic), or
    GoalError."""
    if goal.scope not in SCOPES:
        raise GoalError(f"scope: one of {SCOPES}, not {goal.scope!r}")
    if goal.figure not in FIGURES:
        raise GoalError(f"figure: one of {FIGURES}, not {goal.figure!r}")
    name = None if goal.scope == "clinic" else _tidy(goal.scope_name)
    if goal.scope != "clinic" and name is None:
        raise GoalError("plan_error_no_name")
    value = goal.value
    if value is not None:
        if pd.isna(value):
            value = None
        elif float(value) < 0:
            raise GoalError("plan_error_negative")
        else:
            value = round(float(value), 2)
    return Goal(goal.month.replace(day=1), goal.scope, name, goal.figure, value)


def stored_goals(con: duckdb.DuckDBPyConnection) -> dict[str, float | None]:
    """goal_id → value of every goal row the store holds (None: cleared)."""
    rows = con.execute("select goal_id, value from goals").fetchall()
    return {key: None if value is None else float(value) for key, value in rows}


def save_goals(
    con: duckdb.DuckDBPyConnection, goals: Sequence[Goal], user: str = ""
) -> int | None:
    """Write the goals that differ from what the store holds as one batch; returns its
    batch_id, or None when nothing changed (no batch). A goal set to no value where the store
    has none is no change either. GoalError before anything is written."""
    wanted = [checked(g) for g in goals]
    by_id: dict[str, Goal] = {}
    for g in wanted:  # the last edit of an identity wins, as the last row of a file does
        by_id[goal_id(g.month, g.scope, g.scope_name, g.figure)] = g
    held = stored_goals(con)
    changed = {k: g for k, g in by_id.items() if held.get(k) != g.value}
    if not changed:
        return None
    rows = pd.DataFrame(
        {
            "month": [g.month for g in changed.values()],
            "scope": [g.scope for g in changed.values()],
            "scope_name": [g.scope_name for g in changed.values()],
            "figure": [g.figure for g in changed.values()],
            "value": [g.value for g in changed.values()],
            "goal_id": list(changed),
        }
    )
    rows["_row"] = range(1, len(rows) + 1)
    body = json.dumps(
        [[k, g.value] for k, g in changed.items()], ensure_ascii=False, default=str
    ).encode()
    file_name = PAGE_EDIT_NAME + (f" ({user})" if user else "")
    with store.transaction(con):
        batch_id = con.execute("select nextval('batch_id_seq')").fetchall()[0][0]
        con.register("goal_edits", rows)
        try:
            con.execute(
                "insert into goals by name select month, scope, scope_name, figure, "
                "cast(value as decimal(18, 2)) as value, goal_id, goal_id as _key, "
                "$batch_id as _batch_id, _row from goal_edits",
                {"batch_id": batch_id},
            )
        finally:
            con.unregister("goal_edits")
        move, delete = table_sql("upsert.sql", "goals")
        replaced = con.execute(move, {"batch_id": batch_id}).fetchall()[0][0]
        if replaced:
            con.execute(delete, {"batch_id": batch_id})
        months = [g.month for g in changed.values()]
        con.execute(
            "insert into batches (batch_id, loaded_at, file_name, file_sha256, file_size, kind, "
            "profile, mapping, rows_read, rows_loaded, rows_new, rows_replaced, rows_rejected, "
            "rows_skipped, period_from, period_to) values ($batch_id, now(), $file_name, $sha, "
            "$size, 'goals', null, '{}', $n, $n, $new, $replaced, 0, 0, $date_from, $date_to)",
            {
                "batch_id": batch_id,
                "file_name": file_name,
                "sha": hashlib.sha256(body + str(batch_id).encode()).hexdigest(),
                "size": len(body),
                "n": len(rows),
                "new": len(rows) - replaced,
                "replaced": replaced,
                "date_from": min(months),
                "date_to": max(months),
            },
        )
        store.bump_data_version(con)
    return int(batch_id)


def goal_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The journal's goals batches, newest first: batch_id, loaded_at, file_name, rows_loaded,
    period_from, period_to (the page's «Отменить последнюю правку» removes the first)."""
    return con.execute(
        "select batch_id, loaded_at, file_name, rows_loaded, period_from, period_to "
        "from batches where kind = 'goals' order by batch_id desc"
    ).df()
