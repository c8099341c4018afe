"""Tables as files: XLSX and CSV with the column names of the chosen language.

The files themselves are written by `clinic_bi.present.exports` (`to_csv_bytes`, `to_xlsx_bytes`), which
neutralise every cell Excel would run as a formula (`=`, `+`, `-`, `@`): a doctor, a service or a
rejected row's cell comes from a clinic's files, and a download must not run what it holds.

Values stay numbers (money rounded to kopecks, ratios as fractions), so a downloaded table can be
summed and charted in Excel. The CSV uses `;` (exports.py); in Russian, numbers are written with
a decimal comma as Russian Excel reads them (here, before the file is written: exports.py writes
a decimal point). Both carry a UTF-8 BOM so Excel does not guess the encoding wrong.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from clinic_bi.app.i18n import label, t
from clinic_bi.present import exports, figures


def export_frame(frame: pd.DataFrame, columns: Sequence[str], lang: str) -> pd.DataFrame:
    out = frame.loc[:, list(columns)].copy()
    for column in columns:
        if figures.kind(column) == "money":
            out[column] = pd.to_numeric(out[column], errors="coerce").round(2)
    return out.rename(columns={c: label(c, lang) for c in columns})


def _decimal_comma(value: object) -> object:
    if value is None or pd.isna(value):
        return ""
    return np.format_float_positional(float(value), trim="-").replace(".", ",")


def to_csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """exports.to_csv_bytes; in Russian, fractional numbers get a decimal comma first."""
    if lang == "ru":
        frame = frame.copy()
        for column in frame.columns:
            if pd.api.types.is_float_dtype(frame[column]):
                frame[column] = frame[column].map(_decimal_comma).astype(object)
    return exports.to_csv_bytes(frame, sep=";" if lang == "ru" else ",")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """exports.to_xlsx_bytes, with each column as wide as its longest value (up to 60)."""
    from openpyxl import load_workbook  # here, not at the top: 0.1–0.2 s of every server start

    raw = exports.to_xlsx_bytes(frame, sheet[:31] or "data")
    book = load_workbook(io.BytesIO(raw))
    for cells in book.active.columns:
        width = max(len(str(c.value or "")) for c in cells[:200])
        book.active.column_dimensions[cells[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download_buttons(
    frame: pd.DataFrame | Callable[[], pd.DataFrame], columns: Sequence[str], lang: str,
    name: str, key: str,
) -> None:
    """Two small buttons under a table. The files are built only when clicked; `frame` may be a
    function giving the table then (a long list the page shows only the head of)."""

    def build(kind: str) -> Callable[[], bytes]:
        def make() -> bytes:
            table = export_frame(frame() if callable(frame) else frame, columns, lang)
            return to_csv_bytes(table, lang) if kind == "csv" else to_xlsx_bytes(table, name)

        return make

    # one row of two buttons: a horizontal container (3 messages to the browser), not
    # st.columns([1, 1, 8]) (6: the row, three columns, the buttons)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        t("download_xlsx", lang), build("xlsx"), file_name=f"{name}.xlsx", key=f"{key}_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", on_click="ignore", type="tertiary",
    )  # fmt: skip
    row.download_button(
        t("download_csv", lang), build("csv"), file_name=f"{name}.csv", key=f"{key}_csv",
        mime="text/csv", icon=":material/download:", on_click="ignore", type="tertiary",
    )  # fmt: skip
