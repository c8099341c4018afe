"""The Данные page's "words" section: the CRM stages and schedule statuses no load could map,
and the channels as the exports spell them (docs/DATA.md, "Words the clinic maps").

The manager says what each unknown word means and which channel is the same as another; the
choice is saved in the store (clinic_bi/ingest/word_choices.py) and the figures follow at
once, without uploading anything again. An owner sees the lists and cannot change them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from clinic_bi.app import data, view
from clinic_bi.app.i18n import t
from clinic_bi.ingest import word_choices
from clinic_bi.ingest.messages import localized, message_of

# What a stage or status word may mean, as the page names it: ru, en.
MEANINGS: dict[str, dict[str, tuple[str, str]]] = {
    "stage": {
        "new": ("новый лид", "new lead"),
        "booked": ("записался", "booked"),
        "visited": ("пришёл на приём", "visited"),
        "contracted": ("договор / оплата", "contract / paid"),
        "lost": ("отказ", "lost"),
    },
    "status": {
        "attended": ("пришёл", "attended"),
        "no_show": ("не пришёл", "no-show"),
        "cancelled": ("отменён / перенесён", "cancelled / moved"),
        "planned": ("запланирован", "planned"),
    },
}


def meaning_label(field: str, canonical: str, lang: str) -> str:
    pair = MEANINGS[field][canonical]
    return pair[0 if lang == "ru" else 1]


def words_section(clinic_db: Path, lang: str, can_edit: bool) -> None:
    """Unknown stage and status words, then the channels; nothing when the store has neither."""
    try:
        with data.read_connection(clinic_db) as con:
            if con is None:
                return
            unknown = word_choices.unmapped(con)
            chosen = word_choices.saved(con)
        channels = data.channels(clinic_db)
    except data.StoreBusy:
        st.caption(t("journal_busy", lang))
        return
    if unknown.empty and chosen.empty and channels.empty:
        return
    view.section(t("words_title", lang))
    for field in MEANINGS:
        _unknown_words(clinic_db, lang, can_edit, field, unknown[unknown["field"] == field])
    _chosen_words(clinic_db, lang, can_edit, chosen[chosen["field"] != "channel"])
    _channels(clinic_db, lang, can_edit, channels)


def _unknown_words(clinic_db: Path, lang: str, can_edit: bool, field: str,
                   words: pd.DataFrame) -> None:
    if words.empty:
        return
    st.caption(t(f"words_unknown_{field}", lang, n=len(words)))
    keep = t("words_keep", lang)
    labels = {meaning_label(field, c, lang): c for c in MEANINGS[field]}
    editor = pd.DataFrame({
        "word": words["word"].tolist(),
        "rows": [int(n) for n in words["rows"]],
        "meaning": [keep] * len(words),
    })  # fmt: skip
    edited = st.data_editor(
        editor, hide_index=True, width="stretch", key=f"words_{field}", disabled=not can_edit
        or ["word", "rows"],
        column_config={
            "word": st.column_config.TextColumn(t("words_word", lang)),
            "rows": st.column_config.NumberColumn(t("words_rows", lang), format="%d"),
            "meaning": st.column_config.SelectboxColumn(
                t("words_meaning", lang), options=[keep, *labels], required=True),
        },
    )  # fmt: skip
    picked = [(w, labels[m]) for w, m in zip(edited["word"], edited["meaning"], strict=True)
              if m in labels]  # fmt: skip
    if can_edit and st.button(t("words_save", lang), key=f"words_save_{field}",
                              disabled=not picked, icon=":material/save:"):  # fmt: skip
        _save(clinic_db, lang, [(field, w, c) for w, c in picked])


def _chosen_words(clinic_db: Path, lang: str, can_edit: bool, chosen: pd.DataFrame) -> None:
    if chosen.empty:
        return
    with st.expander(t("words_chosen", lang, n=len(chosen))):
        shown = pd.DataFrame({
            t("words_word", lang): chosen["word"].tolist(),
            t("words_meaning", lang): [meaning_label(f, c, lang)
                                      for f, c in zip(chosen["field"], chosen["canonical"],
                                                      strict=True)],
        })  # fmt: skip
        st.dataframe(shown, hide_index=True, width="stretch")
        if not can_edit:
            return
        keys = list(zip(chosen["field"], chosen["word"], strict=True))
        pick = st.selectbox(t("words_forget_pick", lang), keys, key="words_forget_pick",
                            format_func=lambda k: k[1])  # fmt: skip
        if st.button(t("words_forget", lang), key="words_forget", icon=":material/undo:"):
            try:
                with data.write_connection(clinic_db, "edit_mappings") as con:
                    word_choices.forget(con, *pick)
            except data.StoreBusy:
                st.warning(t("store_busy", lang))
                return
            st.rerun()


def _channels(clinic_db: Path, lang: str, can_edit: bool, channels: pd.DataFrame) -> None:
    if channels.empty:
        return
    st.caption(t("words_channels", lang))
    itself = t("words_channel_itself", lang)
    names = sorted(channels.loc[~channels["is_merged"], "own_name"].unique().tolist())
    editor = pd.DataFrame({
        "own_name": channels["own_name"].tolist(),
        "spellings": [", ".join(s) for s in channels["spellings"]],
        "uses": [int(n) for n in channels["uses"]],
        "into": [c if merged else itself
                 for c, merged in zip(channels["channel"], channels["is_merged"], strict=True)],
    })  # fmt: skip
    edited = st.data_editor(
        editor, hide_index=True, width="stretch", key="words_channel_editor",
        disabled=not can_edit or ["own_name", "spellings", "uses"],
        column_config={
            "own_name": st.column_config.TextColumn(t("words_channel", lang)),
            "spellings": st.column_config.TextColumn(t("words_spellings", lang)),
            "uses": st.column_config.NumberColumn(t("words_rows", lang), format="%d"),
            "into": st.column_config.SelectboxColumn(
                t("words_merge_into", lang), options=[itself, *names], required=True),
        },
    )  # fmt: skip
    changes = _channel_changes(editor, edited, itself)
    if can_edit and st.button(t("words_save_channels", lang), key="words_save_channels",
                              disabled=not changes, icon=":material/merge:"):  # fmt: skip
        _save(clinic_db, lang, changes)


def _channel_changes(before: pd.DataFrame, after: pd.DataFrame,
                     itself: str) -> list[tuple[str, str, str | None]]:
    """('channel', own name, target or None to take a merge back) for each row changed."""
    changes = []
    for own, old, new in zip(before["own_name"], before["into"], after["into"], strict=True):
        if new == old:
            continue
        changes.append(("channel", own, None if new in (itself, own) else new))
    return changes


def _save(clinic_db: Path, lang: str, choices: list[tuple[str, str, str | None]]) -> None:
    try:
        with data.write_connection(clinic_db, "edit_mappings") as con:
            for field, word, canonical in choices:
                if canonical is None:
                    word_choices.forget_word(con, field, word)
                else:
                    word_choices.save(con, field, word, canonical)
    except data.StoreBusy:
        st.warning(t("store_busy", lang))
        return
    except word_choices.ChoiceError as exc:
        st.error(localized(message_of(exc), lang))
        return
    st.session_state["words_saved"] = len(choices)
    st.rerun()
