"""Tables leaving the app as CSV or XLSX, made safe to open in Excel.

A cell that starts with `=`, `+`, `-` or `@` (or a tab / carriage return before one) is a formula
to Excel and LibreOffice: an export file could run one the moment it is opened ("CSV
injection"). Such text gets a leading apostrophe, which the spreadsheet shows as plain text.
Numbers are never touched: numeric columns pass as they are, and text that reads as a number
(`-1 500,00`) keeps its value.
"""

from __future__ import annotations

import io
import re

import pandas as pd

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d[\d \u00a0]*([.,]\d+)?$")


def neutralise_cell(value: object) -> object:
    if not isinstance(value, str) or not value.startswith(_DANGEROUS_START):
        return value
    if _NUMBER.match(value.strip()):
        return value
    return "'" + value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that could run as a formula made inert."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])
                or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame, sep: str = ";") -> bytes:
    """UTF-8 with BOM; `;` by default, as Russian Excel (decimal comma) opens it by double-click,
    `,` for English Excel."""
    return neutralise(frame).to_csv(index=False, sep=sep).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Данные") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        neutralise(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buf.getvalue()


def write_csv(frame: pd.DataFrame, path) -> None:
    neutralise(frame).to_csv(path, index=False, encoding="utf-8-sig")
