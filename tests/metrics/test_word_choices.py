"""Words the clinic maps after a load (issue 12, item 10; DATA.md "Words the clinic maps").

A CRM stage word no default list knows, mapped on the Данные page, changes the funnel without
loading the file again; channels spelt differently are one channel, and the manager can merge two.
"""

from __future__ import annotations

import datetime as dt

import pytest

from clinic_bi import store
from clinic_bi.ingest import word_choices
from clinic_bi.metrics import Engine, Filters
from clinic_bi.store import backup

Q1 = Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31))

LEADS = (
    "ID;Дата создания;Стадия;Источник\n"
    "1;10.01.2025;Знакомство;Unisender\n"
    "2;11.01.2025;знакомство ;unisender\n"
    "3;12.01.2025;Записан;unisender\n"
    "4;13.01.2025;Интерес;null\n"
    "5;14.01.2025;Новая заявка;\n"
    "6;15.01.2025;Новая заявка;Яндекс Директ\n"
)
SPEND = (
    "Месяц;Канал;Сумма\n"
    "01.2025;UNISENDER;1000\n"
    "01.2025;Яндекс Директ;500\n"
    "01.2025;Yandex Direct;700\n"
)


def _funnel_booked(st) -> int:
    with Engine(connection=st.con) as engine:
        return engine.funnel(Q1).total.booked


def _by_channel(st, column: str) -> dict[str, float]:
    with Engine(connection=st.con) as engine:
        frame = engine.marketing(Q1)
    return dict(zip(frame["channel"], frame[column], strict=True))


def test_a_stage_word_mapped_later_changes_the_funnel_without_a_new_upload(st):
    st.load("лиды.csv", LEADS)
    # by hand: only lead 3's «Записан» is a default word for booked
    assert _funnel_booked(st) == 1
    unmapped = word_choices.unmapped(st.con)
    assert unmapped.to_dict("records") == [
        # «Знакомство» and «знакомство » are one word; the spelling shown is the first of the two
        # equally frequent ones in alphabetical order
        {"field": "stage", "word": "Знакомство", "rows": 2},
        {"field": "stage", "word": "Интерес", "rows": 1},
    ]
    batches = st.one("select count(*) from batches")

    word_choices.save(st.con, "stage", "ЗНАКОМСТВО", "booked")

    assert _funnel_booked(st) == 3  # leads 1, 2 and 3
    assert st.one("select count(*) from batches") == batches  # nothing was loaded again
    assert word_choices.unmapped(st.con)["word"].tolist() == ["Интерес"]
    assert word_choices.saved(st.con)[["field", "word", "canonical"]].values.tolist() == [
        ["stage", "знакомство", "booked"]
    ]

    word_choices.forget(st.con, "stage", "знакомство")
    assert _funnel_booked(st) == 1


def test_a_choice_outside_the_canonical_values_is_refused_in_words(st):
    with pytest.raises(word_choices.ChoiceError, match="допустимы new, booked"):
        word_choices.save(st.con, "stage", "Знакомство", "записан")
    with pytest.raises(word_choices.ChoiceError, match="Пустое слово"):
        word_choices.save(st.con, "status", "  ", "attended")
    assert st.one("select count(*) from word_choices") == 0


def test_channels_spelt_differently_are_one_and_placeholders_are_no_channel(st):
    st.load("лиды.csv", LEADS)
    st.load("расходы.csv", SPEND)
    leads = _by_channel(st, "leads")
    # unisender ×2, Unisender ×1 in the leads, UNISENDER in the spend: one channel named by its
    # most frequent spelling; «null» and the empty cell are no channel
    assert leads == {"unisender": 3, "Яндекс Директ": 1, "Yandex Direct": 0, "unknown": 2}
    assert _by_channel(st, "spend") == {
        "unisender": 1000, "Яндекс Директ": 500, "Yandex Direct": 700, "unknown": 0,
    }


def test_merging_a_channel_into_another_adds_up_its_figures(st):
    st.load("лиды.csv", LEADS)
    st.load("расходы.csv", SPEND)
    word_choices.save(st.con, "channel", "Yandex Direct", "Яндекс Директ")
    assert _by_channel(st, "spend") == {"unisender": 1000, "Яндекс Директ": 1200, "unknown": 0}
    assert _by_channel(st, "leads")["Яндекс Директ"] == 1


def test_the_stored_key_is_the_models_word_key(st):
    words = ["  Знакомство  ", "ЁЛКА  и   палка", "Качественный\tлид", "ёж"]
    for word in words:
        word_choices.save(st.con, "channel", word, "X")
    stored = sorted(st.rows("select word from word_choices"))
    with Engine(connection=st.con) as engine:
        engine.refresh()
        in_models = sorted(engine._con.execute(
            "select word_key(w) from unnest($w) as t(w)", {"w": words}).fetchall())
    assert stored == in_models == sorted(
        [("знакомство",), ("елка и палка",), ("качественный лид",), ("еж",)]
    )


def test_a_store_from_before_word_choices_still_builds(tmp_path, make_store):
    st = make_store(tmp_path)
    st.load("лиды.csv", LEADS)
    st.con.execute("drop table word_choices")
    st.con.close()
    with Engine(st.db) as engine:
        assert engine.funnel(Q1).total.booked == 1
        # the stand-in is gone: once a writer creates the table, its choices count
        assert engine._con.execute(
            "select count(*) from duckdb_tables() where table_name = 'word_choices'"
        ).fetchone()[0] == 0
    con = store.connect(st.db)  # a writer: ensure_schema creates the table
    word_choices.save(con, "stage", "Знакомство", "booked")
    con.close()
    with Engine(st.db) as engine:
        assert engine.funnel(Q1).total.booked == 3


def test_a_backup_made_before_word_choices_restores(tmp_path, make_store):
    st = make_store(tmp_path / "a")
    st.load("лиды.csv", LEADS)
    word_choices.save(st.con, "stage", "Знакомство", "booked")
    st.con.close()
    copy = tmp_path / "copy"
    backup.backup(st.db, copy)
    (copy / "word_choices.parquet").unlink()  # as an earlier release wrote it
    target = tmp_path / "b" / "store.duckdb"
    backup.restore(copy, target)
    con = store.connect(target, read_only=True)
    assert con.execute("select count(*) from leads").fetchone()[0] == 6
    assert con.execute("select count(*) from word_choices").fetchone()[0] == 0
    con.close()


def test_the_channel_list_shows_spellings_uses_and_merges(st):
    st.load("лиды.csv", LEADS)
    st.load("расходы.csv", SPEND)
    word_choices.save(st.con, "channel", "yandex direct", "Яндекс Директ")
    with Engine(connection=st.con) as engine:
        rows = engine.channels().to_dict("records")
    for row in rows:
        row["spellings"] = list(row["spellings"])
    assert rows == [
        {"channel_key": "unisender", "channel": "unisender", "own_name": "unisender",
         "spellings": ["unisender", "UNISENDER", "Unisender"], "uses": 4, "is_merged": False},
        {"channel_key": "yandex direct", "channel": "Яндекс Директ", "own_name": "Yandex Direct",
         "spellings": ["Yandex Direct"], "uses": 1, "is_merged": True},
        {"channel_key": "яндекс директ", "channel": "Яндекс Директ", "own_name": "Яндекс Директ",
         "spellings": ["Яндекс Директ"], "uses": 2, "is_merged": False},
    ]


SCHEDULE = (
    "ID записи;Дата и время приёма;Статус\n"
    "A1;10.01.2025 09:00;Пришёл\n"
    "A2;10.01.2025 10:00;Не пришёл\n"
    "A3;11.01.2025 10:00;Визит завершён успешно\n"
    "A4;12.01.2025 10:00;визит  завершён успешно\n"
)


def test_a_status_word_mapped_later_changes_show_up_without_a_new_upload(st):
    st.load("расписание.csv", SCHEDULE)
    with Engine(connection=st.con) as engine:
        before = engine.show_up(Q1).total
        checks = engine.model_checks().set_index("check_name")["failing_rows"]
    # by hand: A1 attended, A2 no-show, A3 and A4 (one word) not mapped: out of every count
    assert (before.attended, before.no_show, before.show_up_rate) == (1, 1, 0.5)
    assert checks["the schedule status mapped to a canonical status"] == 2
    assert word_choices.unmapped(st.con).to_dict("records") == [
        {"field": "status", "word": "Визит завершён успешно", "rows": 2}
    ]
    word_choices.save(st.con, "status", "Визит завершён успешно", "attended")
    with Engine(connection=st.con) as engine:
        after = engine.show_up(Q1).total
    assert (after.attended, after.no_show) == (3, 1)
    assert after.show_up_rate == pytest.approx(3 / 4)
