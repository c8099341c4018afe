"""Downloads cannot smuggle a formula into the owner's Excel, and numbers stay numbers."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from clinic_bi.cli import main
from clinic_bi.present.exports import neutralise, to_csv_bytes, to_xlsx_bytes

HOSTILE = pd.DataFrame({
    "Врач": ["=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(A1)",
             "-2+3", "\t=1+1", "Иванова А. С."],
    "Сумма": [1500.0, -200.5, 0.0, 12.0, 3.0, 4.0],
    "Сумма текстом": ["-1 500,00", "+7", "=1", "12", "-5", "abc"],
})


def test_formula_cells_get_an_apostrophe_and_numbers_do_not():
    out = neutralise(HOSTILE)
    assert list(out["Врач"]) == ["'=HYPERLINK(\"http://x\",\"click\")", "'+cmd|' /C calc'!A0",
                                 "'@SUM(A1)", "'-2+3", "'\t=1+1", "Иванова А. С."]
    assert list(out["Сумма"]) == [1500.0, -200.5, 0.0, 12.0, 3.0, 4.0]
    assert list(out["Сумма текстом"]) == ["-1 500,00", "+7", "'=1", "12", "-5", "abc"]


def test_xlsx_download_holds_text_not_formulas():
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(HOSTILE))).active
    cells = [c.value for c in ws["A"]][1:]
    assert cells[0] == "'=HYPERLINK(\"http://x\",\"click\")"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert [c.value for c in ws["B"]][1:] == [1500, -200.5, 0, 12, 3, 4]


def test_csv_download_is_neutralised():
    text = to_csv_bytes(HOSTILE).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=" not in text and ";=" not in text


def test_rejected_rows_csv_from_the_cli_is_neutralised(tmp_path):
    f = tmp_path / "svc.csv"
    f.write_text("Дата;№ карты;Врач;Услуга;Сумма\n=1+1;1;A;S;100\n", encoding="utf-8")
    out = tmp_path / "rej"
    assert main(["ingest", str(f), "--db", str(tmp_path / "s.duckdb"), "--rejects", str(out)]) == 0
    text = (out / "svc.rejected.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1].startswith("'=1+1,")


def test_csv_separator_for_english_excel():
    frame = pd.DataFrame({"Doctor": ["Smith, J.", "=1+1"], "Revenue": [1500.5, 2.0]})
    text = to_csv_bytes(frame, sep=",").decode("utf-8-sig")
    assert text.splitlines() == ["Doctor,Revenue", '"Smith, J.",1500.5', "'=1+1,2.0"]
