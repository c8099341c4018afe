"""What the app shows before a load: a file read and mapped in an in-memory DuckDB, never the
store, with the reader's and the mapping's errors as text instead of exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from clinic_bi import store
from clinic_bi.ingest.mapping import Mapping, MappingError, Profile, missing_required
from clinic_bi.ingest.messages import Text, message_of
from clinic_bi.ingest.profile_choice import choose_mapping
from clinic_bi.ingest.readers import ReadError, read_raw


@dataclass
class Preview:
    """What the app shows before a load: how the file was read and mapped, and its first rows."""

    file: str
    fmt: str
    headers: list[str]
    sample: list[list[str]]
    rows: int
    mapping: Mapping | None
    missing: list[str]
    error: str | None = None  # a Text (clinic_bi/ingest/messages.py, "refusals")


def preview(path: Path, remembered: list[Profile] | None = None,
            profile: Profile | None = None) -> Preview:
    """Read a file and decide its mapping without touching any store (an in-memory DuckDB)."""
    path = Path(path)
    con = duckdb.connect(":memory:", config=store.duckdb_config())
    try:
        try:
            raw = read_raw(con, path,
                           skip_rows=profile.skip_rows if profile else None)
        except ReadError as exc:
            return Preview(path.name, "", [], [], 0, None, [], error=message_of(exc))
        try:
            mapping = choose_mapping(raw, profile, None, remembered)
        except MappingError as exc:
            return Preview(path.name, raw.describe(), raw.headers, raw.sample, raw.rows, None, [],
                           error=Text("refusal_in_file", file=path.name,
                                      message=message_of(exc)))
        return Preview(path.name, raw.describe(), raw.headers, raw.sample, raw.rows, mapping,
                       missing_required(mapping))
    finally:
        con.close()
