"""One staged file's panel on the Данные page, inside its expander: the kind it was read as (the
user may change it), the mapping of its columns (editable, with an example of each), its first
rows, and "save as profile". What the user changed comes back as the `Profile` to load the file
with; the page (`clinic_bi/app/upload.py`) loads it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from clinic_bi.app import data
from clinic_bi.app.i18n import field_label, t, table_label
from clinic_bi.app.safe import md
from clinic_bi.app.staging import Staged
from clinic_bi.ingest import loader
from clinic_bi.ingest.loader import Preview
from clinic_bi.ingest.mapping import TABLE_SPECS, Profile, missing_groups
from clinic_bi.ingest.messages import localized


def _preview_as(item: Staged, table: str) -> Preview:
    """The file read as `table` (the user changed the kind): synonyms of that table."""
    if item.detected.mapping is not None and item.detected.mapping.table == table:
        return item.detected
    cache: dict[tuple[str, str], Preview] = st.session_state.setdefault("previews", {})
    key = (item.file_id, table)
    if key not in cache:
        cache[key] = loader.preview(item.path, profile=Profile(f"{item.name}", table, {}))
    return cache[key]


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = str(h).strip() or f"#{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def file_panel(item: Staged, lang: str, clinic_db: Path) -> Profile | None:
    """The file's kind, its mapping (editable) and first rows. Returns the profile to load it
    with when the user changed anything, else None (the loader decides as it would alone)."""
    detected = item.detected
    if detected.error and detected.mapping is None and not detected.headers:
        st.error(t("preview_error", lang, error=md(localized(detected.error, lang))))
        return None
    default_table = detected.mapping.table if detected.mapping else list(TABLE_SPECS)[0]
    kind = _kind_picker(item, default_table, lang)
    preview = _preview_as(item, kind)
    headers = preview.headers or detected.headers
    sample = preview.sample or detected.sample
    columns = _mapping_editor(item, kind, preview, headers, sample, lang)
    missing = [" / ".join(field_label(c, lang) for c in group)
               for group in missing_groups(kind, set(columns.values()))]  # fmt: skip
    if missing:
        st.warning(t("missing_required", lang, cols=", ".join(missing)))
    _first_rows(headers, sample, lang)
    auto = preview.mapping.header_map() if preview.mapping else {}
    changed = kind != default_table or columns != auto
    values = preview.mapping.values if preview.mapping else {}
    date_format = preview.mapping.date_format if preview.mapping else None
    profile = Profile(item.name, kind, columns, values=values, date_format=date_format,
                      complete=True)  # fmt: skip
    _save_profile(item, profile, can_save=not missing, clinic_db=clinic_db, lang=lang)
    return profile if changed else None


def _kind_picker(item: Staged, default_table: str, lang: str) -> str:
    """The kind picker (detected, or the first table), the file's format and size, and why the
    kind could not be told when it could not. Returns the kind chosen."""
    detected = item.detected
    tables = list(TABLE_SPECS)
    kind = st.selectbox(
        t("detected_kind", lang), tables, index=tables.index(default_table),
        format_func=lambda x: table_label(x, lang), key=f"kind_{item.uid}",
    )  # fmt: skip
    st.caption(f"{t('file_format', lang)}: {md(localized(detected.fmt, lang))} · "
               f"{t('rows_in_file', lang, n=detected.rows)}")  # fmt: skip
    if detected.error and detected.mapping is None:
        st.warning(md(localized(detected.error, lang)))
    return kind


def _mapping_editor(
    item: Staged,
    kind: str,
    preview: Preview,
    headers: list[str],
    sample: list[list[str]],
    lang: str,
) -> dict[str, str]:
    """The mapping editor: each file column, an example of its cells, and the canonical column
    of `kind` it goes to (or "ignore"). Returns {file column: canonical column}."""
    mapped = preview.mapping.columns if preview.mapping else {}
    ignore = t("ignore_column", lang)
    fields = [c.name for c in TABLE_SPECS[kind].columns]
    options = [ignore, *[field_label(c, lang) for c in fields]]
    by_label = {field_label(c, lang): c for c in fields}
    examples = [
        next((str(row[i]) for row in sample if i < len(row) and str(row[i]).strip()), "")
        for i in range(len(headers))
    ]
    editor = pd.DataFrame(
        {
            "column": [str(h) for h in headers],
            "example": examples,
            "field": [
                field_label(mapped[i], lang) if i in mapped else ignore for i in range(len(headers))
            ],
        }
    )
    st.markdown(f"**{t('mapping', lang)}**")
    edited = st.data_editor(
        editor, key=f"map_{item.uid}_{kind}", hide_index=True, width="stretch",
        disabled=["column", "example"], num_rows="fixed",
        column_config={
            "column": st.column_config.TextColumn(t("file_column", lang)),
            "example": st.column_config.TextColumn(t("example", lang)),
            "field": st.column_config.SelectboxColumn(
                t("canonical_column", lang), options=options, required=True
            ),
        },
    )  # fmt: skip
    return {
        str(h): by_label[f] for h, f in zip(edited["column"], edited["field"], strict=True)
        if f in by_label
    }  # fmt: skip


def _first_rows(headers: list[str], sample: list[list[str]], lang: str) -> None:
    """The file's first ten rows, folded, under its (made unique) headers."""
    with st.expander(t("first_rows", lang)):
        rows = [list(r) + [""] * (len(headers) - len(r)) for r in sample[:10]]
        st.dataframe(pd.DataFrame([r[: len(headers)] for r in rows], columns=_unique(headers)),
                     hide_index=True, width="stretch")  # fmt: skip


def _save_profile(
    item: Staged, profile: Profile, can_save: bool, clinic_db: Path, lang: str
) -> None:
    """The profile's name and "save as profile" (off while a required column is missing):
    `profile` saved under that name, for the next file of its kind."""
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name = name_col.text_input(t("profile_name", lang), value=Path(item.name).stem,
                               key=f"profile_name_{item.uid}")  # fmt: skip
    if button_col.button(t("save_profile", lang), key=f"save_{item.uid}",
                         disabled=not can_save):  # fmt: skip
        saved = replace(profile, name=name.strip() or item.name)
        try:
            with data.write_connection(clinic_db, "edit_mappings") as con:
                loader.save_profile(con, saved)
            st.success(t("profile_saved", lang, name=md(saved.name)))
        except data.StoreBusy:
            st.warning(t("store_busy", lang))
