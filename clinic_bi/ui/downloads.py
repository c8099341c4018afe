"""Tables as files: XLSX and CSV with the column names of the chosen language.

Values stay numbers (money rounded to kopecks, ratios as fractions), so a downloaded table can be
summed and charted in Excel. A Russian CSV uses `;` and a decimal comma, as Russian Excel expects;
both carry a UTF-8 BOM so Excel does not guess the encoding wrong.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from clinic_bi.ui.i18n import MONEY, label, t


def export_frame(frame: pd.DataFrame, columns: Sequence[str], lang: str) -> pd.DataFrame:
    out = frame.loc[:, list(columns)].copy()
    for column in columns:
        if column in MONEY:
            out[column] = pd.to_numeric(out[column], errors="coerce").round(2)
    return out.rename(columns={c: label(c, lang) for c in columns})


def to_csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    if lang == "ru":
        text = frame.to_csv(index=False, sep=";", decimal=",")
    else:
        text = frame.to_csv(index=False)
    return text.encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31] or "data")
        worksheet = writer.sheets[sheet[:31] or "data"]
        for cells in worksheet.columns:
            width = max(len(str(c.value or "")) for c in cells[:200])
            worksheet.column_dimensions[cells[0].column_letter].width = min(max(width + 2, 8), 60)
    return buffer.getvalue()


def download_buttons(
    frame: pd.DataFrame, columns: Sequence[str], lang: str, name: str, key: str
) -> None:
    """Two small buttons under a table. The files are built only when clicked."""

    def build(kind: str) -> Callable[[], bytes]:
        def make() -> bytes:
            table = export_frame(frame, columns, lang)
            return to_csv_bytes(table, lang) if kind == "csv" else to_xlsx_bytes(table, name)

        return make

    left, right, _ = st.columns([1, 1, 8])
    left.download_button(
        t("download_xlsx", lang), build("xlsx"), file_name=f"{name}.xlsx", key=f"{key}_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", on_click="ignore", type="tertiary",
    )  # fmt: skip
    right.download_button(
        t("download_csv", lang), build("csv"), file_name=f"{name}.csv", key=f"{key}_csv",
        mime="text/csv", icon=":material/download:", on_click="ignore", type="tertiary",
    )  # fmt: skip
