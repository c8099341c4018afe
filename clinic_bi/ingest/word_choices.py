"""The clinic's own words: a CRM stage, an appointment status or a channel's spelling that the
manager maps on the Данные page after a load (docs/DATA.md, "Words the clinic maps").

A choice is kept in the store (table `word_choices`) and applied by the models
(queries/models/core/fct_leads.sql, fct_appointments.sql, dim_channels.sql), so a word mapped
later changes the funnel without uploading the file again. Saving one moves the data version:
every cached figure is recomputed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from clinic_bi import store
from clinic_bi.ingest.messages import Text, Worded
from clinic_bi.ingest.values import STAGE_CANONICAL, STATUS_CANONICAL
from clinic_bi.paths import QUERIES_DIR, read_query

# What a word of each field may stand for; a channel may join any channel.
CANONICAL: dict[str, tuple[str, ...]] = {"stage": STAGE_CANONICAL, "status": STATUS_CANONICAL}
FIELDS = ("stage", "status", "channel")

class ChoiceError(Worded, ValueError):
    """A choice that cannot be saved, with a message for the user (a Text: messages.py,
    "refusals: a word choice not saved")."""


def save(con: duckdb.DuckDBPyConnection, field: str, word: str, canonical: str) -> None:
    """Map `word` of `field` to `canonical` from now on (replacing an earlier choice)."""
    if field not in FIELDS:
        raise ChoiceError(Text("choice_field", field=field, allowed=list(FIELDS)))
    if not str(word).strip():
        raise ChoiceError(Text("choice_empty_word"))
    allowed = CANONICAL.get(field)
    if allowed is not None and canonical not in allowed:
        raise ChoiceError(Text("choice_not_a_value", canonical=canonical, field=field,
                               allowed=list(allowed)))
    if allowed is None and not str(canonical).strip():
        raise ChoiceError(Text("choice_no_channel"))
    _install_word_key(con)
    with store.transaction(con):
        con.execute(read_query("store", "save_word_choice.sql"),
                    {"field": field, "word": str(word), "canonical": str(canonical).strip()})
        store.bump_data_version(con)


def forget(con: duckdb.DuckDBPyConnection, field: str, word_key: str) -> None:
    """Take a choice back (by its stored key): the word is mapped as the load mapped it."""
    with store.transaction(con):
        con.execute("delete from word_choices where field = $f and word = $w",
                    {"f": field, "w": word_key})
        store.bump_data_version(con)


def forget_word(con: duckdb.DuckDBPyConnection, field: str, word: str) -> None:
    """`forget` by the word as spelt (its key is worked out as on save)."""
    _install_word_key(con)
    key = con.execute("select word_key($w)", {"w": str(word)}).fetchall()[0][0]
    forget(con, field, key)


def _install_word_key(con: duckdb.DuckDBPyConnection) -> None:
    """The models' own word_key and channel_key (queries/models/macros/words.sql, temp macros
    over no table), so a key is worked out by one definition wherever it is made."""
    con.execute((QUERIES_DIR / "models" / "macros" / "words.sql").read_text(encoding="utf-8"))


def saved(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every choice: field, word (its key), canonical, saved_at; by field and word."""
    return con.execute("select field, word, canonical, saved_at from word_choices "
                       "order by field, word").df()


def unmapped(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stage and status words no load and no choice has mapped, with how many rows carry
    them: field, word (its most frequent spelling), rows; most rows first."""
    _install_word_key(con)
    return con.execute(read_query("store", "unmapped_words.sql")).df()
