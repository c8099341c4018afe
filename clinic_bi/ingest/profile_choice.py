"""Which mapping a file gets: the profiles remembered in the store (saved_profiles,
save_profile) and the choice among a given, an offered, a remembered and a shipped profile, else
recognition from the headers (choose_mapping).

Not `profiles.py`: `clinic_bi/ingest/profiles/` is the folder of shipped profiles (JSON), and a
module of that name beside it would read as the same thing.
"""

from __future__ import annotations

import json

import duckdb

from clinic_bi.ingest.mapping import Mapping, Profile, builtin_profiles, detect
from clinic_bi.ingest.readers import RawFile


def saved_profiles(con: duckdb.DuckDBPyConnection) -> list[Profile]:
    rows = con.execute("select body from profiles order by saved_at desc").fetchall()
    return [Profile.from_dict(json.loads(r[0])) for r in rows]


def save_profile(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    con.execute(
        "insert or replace into profiles values ($name, $kind, $body, now())",
        {
            "name": profile.name,
            "kind": profile.table,
            "body": json.dumps(profile.to_dict(), ensure_ascii=False),
        },
    )


def choose_mapping(
    raw: RawFile,
    profile: Profile | None,
    offered: list[Profile] | None = None,
    remembered: list[Profile] | None = None,
) -> Mapping:
    """A given profile wins; else one of the offered profiles (--profile given several times),
    a remembered one (saved in the store) or a shipped one whose headers the file has (the one
    naming most columns); else recognition from the headers."""
    if profile is not None:
        return profile.apply(raw.headers, raw.sample)
    for group in (offered or [], (remembered or []) + builtin_profiles()):
        candidates = [p for p in group if p.matches(raw.headers)]
        if candidates:
            return max(candidates, key=lambda p: len(p.columns)).apply(raw.headers, raw.sample)
    return detect(raw.headers, raw.sample, raw.path.name)
