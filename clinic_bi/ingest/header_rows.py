"""Where a table's header is, among a CSV's first lines or a sheet's first rows: the row that
looks most like a header (most cells that are known column names: mapping.header_score), and a
second header row under it that names the parts of merged cells. Shared by the CSV reader
(readers.py) and the workbook reader (sheets.py), so both find a header the same way.
"""

from __future__ import annotations

import re

from clinic_bi.ingest.mapping import header_score

HEADER_SEARCH_ROWS = 40


def find_header(rows: list[list[str]]) -> tuple[int, int]:
    """(index, score) of the row that looks most like a header among the first rows."""
    best, best_score = 0, -1
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [c for c in row if str(c or "").strip()]
        if len(filled) < 2:
            continue
        s = header_score(row)
        if s > best_score:
            best, best_score = i, s
    return best, best_score


def strip_trailing_empty(headers: list[str]) -> list[str]:
    """Bitrix24 ends every line with `;`: an empty trailing column to drop."""
    out = list(headers)
    while out and not str(out[-1] or "").strip():
        out.pop()
    return out


def sub_header(top: list[object], below: list[object]) -> list[str] | None:
    """The header's names completed by the row below it when that row names the parts of merged
    header cells ("Оплата" over "Наличные" and "Безнал": "Оплата Наличные", "Оплата Безнал"),
    else None. A merged cell is a named header cell followed by empty ones (in a CSV too:
    `Оплата;;`). The row below is a second header row when every cell it fills lies under such a
    cell, at least one under its empty part, and each is a word without digits (a data row fills
    the other columns too, and holds dates and numbers)."""
    width = max(len(top), len(below))
    upper = [str(c or "").strip() for c in top] + [""] * (width - len(top))
    lower = [str(c or "").strip() for c in below] + [""] * (width - len(below))
    group: list[int | None] = []  # the named header cell each position is under
    for p, cell in enumerate(upper):
        group.append(p if cell else (group[-1] if group else None))
    merged = {g for p, g in enumerate(group) if g is not None and g != p}
    filled = [p for p, cell in enumerate(lower) if cell]
    if (not filled or any(group[p] not in merged for p in filled)
            or all(upper[p] for p in filled)
            or not all(_HEADER_WORD.search(lower[p]) and not _DIGIT.search(lower[p])
                       for p in filled)):  # fmt: skip
        return None
    names = []
    for p, cell in enumerate(upper):
        g = group[p]
        if g not in merged:
            names.append(cell)
        elif lower[p]:
            names.append(f"{upper[g]} {lower[p]}")
        else:
            names.append(upper[g] if g == p else "")
    return names


_HEADER_WORD = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
