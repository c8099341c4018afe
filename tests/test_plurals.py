"""A count before its noun, in Russian and English, written one way (issue 13, item 15):
fmt.count_ru / count_en / count, and the count fields of the word tables' phrases
("{n:врач|врача|врачей}", "{n:doctor|doctors}") that t() of clinic_bi/app/i18n.py and of
clinic_bi/present/words.py fill in through fmt.phrase.

The expected forms are written out by hand, not computed by the rule under test.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi import cli, fmt
from clinic_bi.app import access, i18n
from clinic_bi.paths import PROJECT_DIR
from clinic_bi.present import words

NUMBERS = (1, 2, 5, 11, 21, 22, 25, 111)

# the forms after 1, 2, 5, 11, 21, 22, 25 and 111, by hand
BY_HAND = {
    ("врач", "врача", "врачей"): ["1 врач", "2 врача", "5 врачей", "11 врачей", "21 врач",
                                  "22 врача", "25 врачей", "111 врачей"],
    ("файл", "файла", "файлов"): ["1 файл", "2 файла", "5 файлов", "11 файлов", "21 файл",
                                  "22 файла", "25 файлов", "111 файлов"],
    ("строка", "строки", "строк"): ["1 строка", "2 строки", "5 строк", "11 строк", "21 строка",
                                    "22 строки", "25 строк", "111 строк"],
    ("месяц", "месяца", "месяцев"): ["1 месяц", "2 месяца", "5 месяцев", "11 месяцев",
                                     "21 месяц", "22 месяца", "25 месяцев", "111 месяцев"],
    ("пациент", "пациента", "пациентов"): ["1 пациент", "2 пациента", "5 пациентов",
                                           "11 пациентов", "21 пациент", "22 пациента",
                                           "25 пациентов", "111 пациентов"],
    ("загрузка", "загрузки", "загрузок"): ["1 загрузка", "2 загрузки", "5 загрузок",
                                           "11 загрузок", "21 загрузка", "22 загрузки",
                                           "25 загрузок", "111 загрузок"],
}  # fmt: skip


@pytest.mark.parametrize("forms", list(BY_HAND))
def test_russian_counts_by_hand(forms: tuple[str, str, str]) -> None:
    assert [fmt.count_ru(n, *forms) for n in NUMBERS] == BY_HAND[forms]
    assert [fmt.count(n, "ru", forms, ("x", "xs")) for n in NUMBERS] == BY_HAND[forms]


def test_russian_counts_of_the_teens_zero_and_thousands() -> None:
    forms = ("строка", "строки", "строк")
    assert [fmt.count_ru(n, *forms) for n in (0, 3, 4, 12, 13, 14, 101, 104, 112, 1001)] == [
        "0 строк", "3 строки", "4 строки", "12 строк", "13 строк", "14 строк", "101 строка",
        "104 строки", "112 строк", "1 001 строка"]  # fmt: skip
    assert fmt.count_ru(8924, *forms) == "8 924 строки"  # grouped the Russian way
    assert fmt.count_ru(8924, *forms, nbsp=True) == "8\u00a0924\u00a0строки"
    assert fmt.count_ru(None, *forms) == "— строк"


def test_english_counts() -> None:
    assert [fmt.count_en(n, "file", "files") for n in NUMBERS] == [
        "1 file", "2 files", "5 files", "11 files", "21 files", "22 files", "25 files",
        "111 files"]  # fmt: skip
    assert fmt.count_en(0, "file", "files") == "0 files"
    assert fmt.count(1234, "en", ("файл", "файла", "файлов"), ("file", "files")) == "1,234 files"


def test_plural_ru_is_kept_for_its_callers() -> None:
    assert [fmt.plural_ru(n, "столбец", "столбца", "столбцов") for n in NUMBERS] == [
        "столбец", "столбца", "столбцов", "столбцов", "столбец", "столбца", "столбцов",
        "столбцов"]  # fmt: skip


def test_a_phrase_count_field() -> None:
    text = "Ещё {n:врач|врача|врачей} без подписи"
    assert [fmt.phrase(text, "ru", n=n) for n in (1, 22, 25)] == [
        "Ещё 1 врач без подписи", "Ещё 22 врача без подписи", "Ещё 25 врачей без подписи"]
    assert fmt.phrase("{n:doctor|doctors} more", "en", n=1) == "1 doctor more"
    # other fields are str.format's
    assert fmt.phrase("{a} и {b:.1f}", "ru", a=3, b=2.25) == "3 и 2.2"
    with pytest.raises(ValueError, match="3 forms"):
        fmt.phrase("{n:врач|врачей}", "ru", n=1)
    with pytest.raises(ValueError, match="2 forms"):
        fmt.phrase("{n:file|files|filez}", "en", n=1)


# -- every phrase of the word tables ---------------------------------------------------------

# Nouns the app counts: after a plain field ("{n} строк") they are the bug this file is about.
COUNTED_RU = re.compile(r"\{\w+\}[ \u00a0]+(врач|файл|строк|месяц|пациент|загрузк|услуг|визит|"
                        r"день|дня|дней|отзыв|заяв|лид|когорт|канал|столб|час|минут)")
COUNTED_EN = re.compile(r"\{\w+\}[ \u00a0]+(doctor|file|row|month|patient|upload|service|visit|"
                        r"day|review|lead|cohort|channel|column|hour|minute)s?\b")


def _tables() -> dict[str, dict[str, tuple[str, str]]]:
    return {"clinic_bi/app/i18n.py": i18n.PHRASES, "clinic_bi/present/words.py": words.PHRASES}


def test_no_phrase_puts_a_plain_number_before_a_counted_noun() -> None:
    wrong = [f"{where} {key}: {text!r}" for where, table in _tables().items()
             for key, pair in table.items() for text, rule in zip(pair, (COUNTED_RU, COUNTED_EN), strict=True)
             if rule.search(text)]  # fmt: skip
    assert not wrong, "use a count field, {n:строка|строки|строк} / {n:row|rows}:\n" + "\n".join(wrong)


def test_the_check_sees_a_plain_count() -> None:
    assert COUNTED_RU.search("Загружено {n} строк") and COUNTED_EN.search("{n} files")
    assert not COUNTED_RU.search("Загружено {n:строка|строки|строк}")
    assert not COUNTED_RU.search("({i} из {n})") and not COUNTED_RU.search("окно {h} дн.")


def test_every_phrase_fills_in_both_languages() -> None:
    """Count fields have three Russian forms and two English ones, both languages ask for the
    same fields, and every phrase formats with numbers given for its fields."""
    for table in _tables().values():
        for key, (ru, en) in table.items():
            fields = []
            for text, forms in ((ru, 3), (en, 2)):
                parsed = [(name, spec) for _, name, spec, _ in string.Formatter().parse(text)
                          if name is not None]  # fmt: skip
                for _, spec in parsed:
                    if spec and "|" in spec:
                        assert len(spec.split("|")) == forms, (key, text)
                fields.append({name for name, _ in parsed})
            assert fields[0] == fields[1], key
            values = dict.fromkeys(fields[0], 21)
            for lang in ("ru", "en"):
                assert (words.t if table is words.PHRASES else i18n.t)(key, lang, **values)


# -- each message fixed: it failed on the code before (a plain number before its noun) -------


def test_the_scatter_names_the_unnamed_doctors_count() -> None:
    ru = [words.t("scatter_unnamed", "ru", n=n) for n in (1, 2, 21, 25)]
    shown = [re.search(r"Ещё \d+ \w+ без", r).group(0) for r in ru]
    assert shown == ["Ещё 1 врач без", "Ещё 2 врача без", "Ещё 21 врач без", "Ещё 25 врачей без"]
    assert "1 doctor more" in words.t("scatter_unnamed", "en", n=1)
    assert "22 doctors more" in words.t("scatter_unnamed", "en", n=22)


def test_the_abc_counts_of_services() -> None:
    assert i18n.t("abc_counts", "ru", a=21, b=2, c=5) == "A: 21 услуга · B: 2 · C: 5"
    assert i18n.t("abc_counts", "ru", a=22, b=2, c=5) == "A: 22 услуги · B: 2 · C: 5"
    assert i18n.t("abc_counts", "ru", a=111, b=2, c=5) == "A: 111 услуг · B: 2 · C: 5"
    assert i18n.t("abc_counts", "en", a=1, b=2, c=5) == "A: 1 service · B: 2 · C: 5"


def test_the_rows_of_a_file() -> None:
    assert i18n.t("rows_in_file", "ru", n=8924) == "8 924 строки"
    assert i18n.t("rows_in_file", "ru", n=21) == "21 строка"
    assert i18n.t("rows_in_file", "en", n=1) == "1 row"


def test_windows_and_ages_in_days() -> None:
    report = "окно возврата 180 дн., окно воронки 90 дн."  # the text report: unchanged
    assert words.t("report_windows", "ru", h=180, w=90) == report
    assert words.t("report_windows", "en", h=1, w=30) == "return window 1 day, funnel window 30 days"
    assert i18n.t("retention_note", "en", h=1, day="x").startswith("Return window: 1 day (")
    assert i18n.t("kpi_ltv_age", "ru", days=21) == "LTV за 21 день"
    assert i18n.t("kpi_ltv_age", "ru", days=180) == "LTV за 180 дней"
    assert i18n.t("kpi_ltv_age", "en", days=1) == "LTV in 1 day"
    assert "за 22 дня после" in words.t("report_ltv_age", "ru", days=22)
    assert "за 365 дней после" in words.t("report_ltv_age", "ru", days=365)


def test_fewer_than_m_reviews() -> None:
    # after "меньше" the genitive: меньше 1 отзыва, 2 отзывов, 5 отзывов, 21 отзыва
    assert [words.t("few_reviews", "ru", m=m).split(":")[0] for m in (1, 2, 5, 21)] == [
        "Серым — меньше 1 отзыва", "Серым — меньше 2 отзывов", "Серым — меньше 5 отзывов",
        "Серым — меньше 21 отзыва"]  # fmt: skip
    assert words.t("few_reviews", "en", m=1) == "Grey: fewer than 1 review, not ranked."


@pytest.mark.parametrize(("n", "said"), [(1, "Готово: 1 файл."), (2, "Готово: 2 файла."),
                                         (9, "Готово: 9 файлов."), (21, "Готово: 21 файл.")])
def test_the_demo_command_counts_its_files(n: int, said: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import clinic_bi.demo

    files = [tmp_path / f"f{i}.csv" for i in range(n)]
    monkeypatch.setattr(clinic_bi.demo, "write_demo", lambda *a, **k: files)
    assert cli.main(["demo", str(tmp_path), "--end", "2025-12-31"]) == 0
    assert said in capsys.readouterr().out


def test_the_file_panel_counts_the_rows_of_an_upload(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On the Данные page: "… · 2 строки", not "2 строк"; "22 строки"; "1 row"."""
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(tmp_path / "clinic.duckdb"))
    line = "{:02d}.02.2025;5;Иванова А. С.;ПроДокторов\n"
    for lang, n, said in (("ru", 2, "2 строки"), ("ru", 22, "22 строки"), ("en", 1, "1 row")):
        text = "Дата;Оценка;Врач;Площадка\n" + "".join(line.format(i + 1) for i in range(n))
        at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        at.switch_page("pages/8_data.py").run()
        at.get("file_uploader")[0].upload("отзывы.csv", text.encode(), "text/csv").run()
        assert not at.exception, [e.value for e in at.exception]
        captions = [c.value for c in at.caption if " · " in c.value]
        assert any(c.endswith(f" · {said}") for c in captions), captions
