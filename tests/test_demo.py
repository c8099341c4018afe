"""The demo exports: their formats, read back with pandas and the standard library only (never
through the project's ingestion), and the clinic story they tell at the default size."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from clinic_bi.demo import OVERLAP_DAYS, DemoData, default_end, simulate, window, write_demo

END = dt.date(2025, 12, 31)  # window 2023-01-01 .. 2025-12-31
STORY_END = dt.date(2026, 10, 31)  # window 2023-11-01 .. 2026-10-31
FILES = {
    "patients.csv",
    "plan_goals.xlsx",
    "ident_services_2023.xlsx",
    "ident_services_2024.xlsx",
    "medesk_services_2025.csv",
    "bitrix_leads.csv",
    "schedule.csv",
    "contracts.csv",
    "marketing_spend.xlsx",
    "reviews.csv",
    "price_costs.xlsx",
    "pay_rules.csv",
    "fixed_costs.xlsx",
}
CSV_FILES = sorted(f for f in FILES if f.endswith(".csv"))
IDENT_HEADER = [
    "Дата приёма", "№ карты", "Пациент", "Врач", "Отделение", "Код услуги", "Услуга", "Кол-во",
    "Цена", "Скидка", "Сумма", "Оплачено", "Филиал", "Длительность, мин", "Номер визита",
]  # fmt: skip
MEDESK_HEADER = [
    "Дата оказания", "Номер карты", "ФИО пациента", "Специалист", "Направление", "Артикул",
    "Наименование услуги", "Количество", "Стоимость", "Сумма скидки", "Сумма со скидкой",
    "Поступило", "Филиал", "Длительность, мин", "Номер визита",
]  # fmt: skip
CANON = [
    "visit_date", "card", "patient", "doctor", "department", "code", "service", "quantity",
    "price", "discount", "amount", "paid", "branch", "minutes", "visit_id",
]  # fmt: skip
LEAD_STATUSES = {
    "Не обработан", "Новая заявка", "Новый", "В работе", "Обработан", "Перезвонить", "Записан",
    "Записан на приём", "Запись", "Назначен приём", "Пришёл", "Пришёл на приём",
    "Был на приёме", "Первичный приём проведён", "Договор", "Договор заключён",
    "План лечения согласован", "Оплачен", "Сделка успешна", "Отказ", "Некачественный лид",
    "Сделка провалена", "Не дозвонились", "Дубль",
}  # fmt: skip
PAID = {"Яндекс.Директ", "VK Реклама", "ПроДокторов", "2ГИС", "Сайт (SEO)"}
MONTH_RE = re.compile(
    r"^(январь|февраль|март|апрель|май|июнь|июль|август|сентябрь|октябрь|ноябрь|декабрь) \d{4}$"
)


# --- Reading the files back, the way an analyst would with pandas -------------------------------


def read_ident(path: Path) -> pd.DataFrame:
    df = pd.read_excel(path, header=4, engine="calamine")
    assert list(df.columns) == IDENT_HEADER
    assert df.iloc[-1, 0] == "Итого"
    df = df.iloc[:-1].copy()
    df.columns = CANON
    df["visit_date"] = pd.to_datetime(df["visit_date"])
    return df


def _num(col: pd.Series) -> pd.Series:
    return col.str.replace("\u00a0", "").str.replace(",", ".").astype(float)


def read_medesk(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, sep=";", encoding="cp1251", dtype=str)
    assert list(df.columns) == MEDESK_HEADER
    df.columns = CANON
    df["visit_date"] = pd.to_datetime(df["visit_date"], format="%d.%m.%Y")
    for col in ("price", "discount", "amount", "paid"):
        df[col] = _num(df[col])
    for col in ("card", "quantity", "minutes", "visit_id"):
        df[col] = df[col].astype(np.int64)
    return df


def _canon(df: pd.DataFrame) -> pd.DataFrame:
    """Both exports in one shape, for comparing lines."""
    out = df.copy()
    for col in ("card", "quantity", "minutes", "visit_id"):
        out[col] = out[col].astype(np.int64)
    for col in ("price", "discount", "amount", "paid"):
        out[col] = out[col].astype(float).round(2)
    for col in ("patient", "doctor", "department", "code", "service", "branch"):
        out[col] = out[col].astype(str)
    return out.reset_index(drop=True)


def read_services(folder: Path, end: dt.date) -> pd.DataFrame:
    """All service lines of the window, the Medesk overlap dropped by date."""
    _, slices = window(end)
    parts = [read_ident(folder / f"ident_services_{s.year}.xlsx") for s, _ in slices[:-1]]
    medesk = read_medesk(folder / f"medesk_services_{slices[-1][0].year}.csv")
    parts.append(medesk[medesk["visit_date"] >= pd.Timestamp(slices[-1][0])])
    return pd.concat([_canon(p) for p in parts], ignore_index=True)


def read_bitrix(path: Path) -> pd.DataFrame:
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[-1] == "" and all(r[-1] == "" for r in body)
    return pd.DataFrame([r[:-1] for r in body], columns=header[:-1])


def norm_phone(raw: pd.Series) -> pd.Series:
    digits = raw.str.replace(r"\D", "", regex=True)
    return digits.str.replace(r"^8(\d{10})$", r"7\1", regex=True)


def doctor_return_rate(services: pd.DataFrame, horizon: int = 180) -> pd.Series:
    """METRICS.md doctor return rate over the whole window: first visit with the doctor, then a
    visit with the same doctor within `horizon` days (cohort: first visit old enough)."""
    visits = services[["doctor", "card", "visit_date"]].drop_duplicates()
    first = visits.groupby(["doctor", "card"])["visit_date"].min().rename("first").reset_index()
    data_end = services["visit_date"].max()
    cohort = first[first["first"] <= data_end - pd.Timedelta(days=horizon)]
    both = visits.merge(cohort, on=["doctor", "card"])
    back = both[
        (both["visit_date"] > both["first"])
        & (both["visit_date"] <= both["first"] + pd.Timedelta(days=horizon))
    ]
    returned = back.groupby("doctor")["card"].nunique()
    size = cohort.groupby("doctor")["card"].nunique()
    return (returned.reindex(size.index, fill_value=0) / size).sort_values()


# --- Fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("demo_small")
    return out, write_demo(out, patients=300, seed=7, end=END)


@pytest.fixture(scope="module")
def small_data() -> DemoData:
    """The clinic `small` writes, as the generator's DataFrames (the same arguments give the same
    data): what each file must hold, row for row."""
    return simulate(patients=300, seed=7, end=END)


def _lines_between(data: DemoData, first: dt.date, last: dt.date) -> int:
    day = data.lines["visit_date"]
    return int(((day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))).sum())


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_story")
    write_demo(out, end=STORY_END)
    return out


@pytest.fixture(scope="module")
def story_services(story: Path) -> pd.DataFrame:
    return read_services(story, STORY_END)


# --- Window and files ----------------------------------------------------------------------------


def test_window_and_default_end() -> None:
    assert default_end(dt.date(2026, 3, 15)) == dt.date(2026, 2, 28)
    assert default_end(dt.date(2026, 1, 1)) == dt.date(2025, 12, 31)
    start, slices = window(STORY_END)
    assert start == dt.date(2023, 11, 1)
    assert slices == [
        (dt.date(2023, 11, 1), dt.date(2024, 10, 31)),
        (dt.date(2024, 11, 1), dt.date(2025, 10, 31)),
        (dt.date(2025, 11, 1), dt.date(2026, 10, 31)),
    ]


def test_writes_every_file(small: tuple[Path, list[Path]]) -> None:
    out, paths = small
    assert {p.name for p in paths} == FILES
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths)


def test_same_seed_same_bytes(small: tuple[Path, list[Path]], tmp_path: Path) -> None:
    out, _ = small
    again = write_demo(tmp_path / "again", patients=300, seed=7, end=END)
    for name in CSV_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name
    for path in again:
        if path.suffix == ".xlsx":
            pd.testing.assert_frame_equal(
                pd.read_excel(path, header=None, engine="calamine"),
                pd.read_excel(out / path.name, header=None, engine="calamine"),
            )
    other = tmp_path / "other"
    write_demo(other, patients=300, seed=8, end=END)
    assert (other / "patients.csv").read_bytes() != (out / "patients.csv").read_bytes()


def test_patients_scale_everything(small: tuple[Path, list[Path]], story: Path) -> None:
    out, _ = small
    for name in ("patients.csv", "schedule.csv", "bitrix_leads.csv", "contracts.csv"):
        few = len((out / name).read_bytes().splitlines())
        many = len((story / name).read_bytes().splitlines())
        assert many > 8 * few, name


# --- Formats -------------------------------------------------------------------------------------


def test_patients_csv(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    raw = (out / "patients.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out / "patients.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert list(df.columns) == [
        "№ карты", "ФИО", "Телефон", "Дата рождения", "Пол", "Дата первого визита",
        "Откуда узнал", "Дата регистрации",
    ]  # fmt: skip
    assert len(df) == 300 and df["№ карты"].is_unique
    assert df["№ карты"].str.fullmatch(r"1\d{4}").all()
    assert df["ФИО"].str.fullmatch(r"[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+").all()
    assert df["Телефон"].str.fullmatch(r"89\d{9}").all() and df["Телефон"].is_unique
    assert set(df["Пол"]) == {"Ж", "М"}
    for col in ("Дата рождения", "Дата регистрации"):
        pd.to_datetime(df[col], format="%d.%m.%Y")  # raises on a malformed date
    first = pd.to_datetime(df["Дата первого визита"], format="%d.%m.%Y")
    assert first.notna().any() and first.isna().mean() > 0.85
    assert (first.dropna() < pd.Timestamp(window(END)[0])).all()
    assert df["Откуда узнал"].isna().any() and df["Откуда узнал"].notna().mean() > 0.8


def test_ident_xlsx(small: tuple[Path, list[Path]], small_data: DemoData) -> None:
    out, _ = small
    wb = openpyxl.load_workbook(out / "ident_services_2024.xlsx", read_only=True)
    try:
        rows = list(wb.active.iter_rows(values_only=True))
    finally:
        wb.close()
    assert rows[0][0] == "Отчёт «Оказанные услуги»"
    assert rows[1][0] == "Период: 01.01.2024 – 31.12.2024"
    assert rows[2][0] == "Стоматологическая клиника «Улыбка»"
    assert all(v is None for v in rows[3])
    assert list(rows[4]) == IDENT_HEADER
    data, total = rows[5:-1], rows[-1]
    # every service line the clinic billed in 2024, each once (511 at this size and seed)
    assert len(data) == _lines_between(small_data, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert all(isinstance(r[0], dt.datetime) and r[0].time() == dt.time() for r in data)
    assert all(dt.datetime(2024, 1, 1) <= r[0] <= dt.datetime(2024, 12, 31) for r in data)
    assert all(isinstance(r[i], (int, float)) for r in data for i in (1, 7, 8, 9, 10, 11, 13))
    assert total[0] == "Итого"
    for i in (7, 9, 10, 11):
        assert total[i] == pytest.approx(sum(r[i] for r in data)), IDENT_HEADER[i]
    df = read_ident(out / "ident_services_2024.xlsx")
    assert np.allclose(df["price"] * df["quantity"] - df["discount"], df["amount"])
    assert (df["amount"] < 0).sum() <= 3  # a handful of refunds, not a pattern


def test_medesk_csv(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    raw = (out / "medesk_services_2025.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1251")
    assert text.splitlines()[0] == ";".join(MEDESK_HEADER)
    assert "\u00a0" in text and b"\xa0" in raw
    df = pd.read_csv(out / "medesk_services_2025.csv", sep=";", encoding="cp1251", dtype=str)
    assert df["Дата оказания"].str.fullmatch(r"\d\d\.\d\d\.\d{4}").all()
    for col in ("Стоимость", "Сумма скидки", "Сумма со скидкой", "Поступило"):
        value = _num(df[col]).abs()
        assert df[col].str.fullmatch(r"-?\d{1,3}(\u00a0\d{3})*,\d\d").all(), col
        assert (df[col].str.contains("\u00a0") == (value >= 1000)).all(), col
        assert not df[col].str.startswith("-0,00").any(), col
    lines = read_medesk(out / "medesk_services_2025.csv")
    assert np.allclose(lines["price"] * lines["quantity"] - lines["discount"], lines["amount"])


def test_medesk_repeats_the_last_week_of_ident(
    small: tuple[Path, list[Path]], small_data: DemoData
) -> None:
    out, _ = small
    ident = read_ident(out / "ident_services_2024.xlsx")
    medesk = read_medesk(out / "medesk_services_2025.csv")
    cut = pd.Timestamp(2025, 1, 1)
    overlap = medesk[medesk["visit_date"] < cut]
    # the lines of 25-31 December 2024, all of them (3 at this size and seed: not an empty pair
    # of frames compared below)
    week = _lines_between(small_data, (cut - pd.Timedelta(days=OVERLAP_DAYS)).date(),
                          dt.date(2024, 12, 31))  # fmt: skip
    assert week > 0 and len(overlap) == week
    assert overlap["visit_date"].min() >= cut - pd.Timedelta(days=7)
    last_week = ident[ident["visit_date"] >= cut - pd.Timedelta(days=7)]
    key = ["visit_id", "code", "amount", "quantity"]
    a = _canon(overlap).sort_values(key, kind="stable", ignore_index=True)
    b = _canon(last_week).sort_values(key, kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
    assert medesk["visit_date"].max() <= pd.Timestamp(END)


def test_bitrix_csv(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    raw = (out / "bitrix_leads.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").split("\r\n")
    assert lines[-1] == "" and all(line.endswith('";') for line in lines[:-1])
    assert "\n" not in "".join(lines)  # CRLF only
    assert lines[0] == (
        '"ID";"Название лида";"Статус";"Имя";"Фамилия";"Телефон";"E-mail";"Источник";'
        '"Ответственный";"Дата создания";"Возможная сумма";'
    )
    assert all(re.fullmatch(r'("[^"]*";)+', line) for line in lines[:-1])  # every field quoted
    leads = read_bitrix(out / "bitrix_leads.csv")
    assert leads["ID"].str.fullmatch(r"\d+").all() and leads["ID"].is_unique
    assert set(leads["Статус"]) <= LEAD_STATUSES
    assert leads["Дата создания"].str.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d").all()
    assert leads["Возможная сумма"].eq("").any()
    assert leads["Возможная сумма"].str.fullmatch(r"\d*").all()
    assert 3 <= leads["Ответственный"].nunique() <= 4
    assert set(leads["Источник"]) <= {
        "Яндекс.Директ", "VK Реклама", "ПроДокторов", "2ГИС", "Сайт (SEO)", "Рекомендация",
    }  # fmt: skip
    patients = pd.read_csv(out / "patients.csv", sep=";", encoding="utf-8-sig", dtype=str)
    # Lead titles are never a person's name.
    names = set(patients["ФИО"]) | set(leads["Имя"]) | set(leads["Фамилия"] + " " + leads["Имя"])
    assert not set(leads["Название лида"]) & names
    # Phones are spelled unlike the patient list: linking needs normalising.
    assert not set(leads["Телефон"]) & set(patients["Телефон"])
    matched = norm_phone(leads["Телефон"]).isin(set(norm_phone(patients["Телефон"])))
    assert 0.2 < matched.mean() < 0.9  # some leads are people who never became patients


def test_schedule_tsv(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    raw = (out / "schedule.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out / "schedule.csv", sep="\t", encoding="utf-8", dtype=str)
    assert list(df.columns) == [
        "ID записи", "Дата и время приёма", "№ карты", "Пациент", "Врач", "Отделение", "Статус",
        "Дата записи", "Пациент принят в", "Филиал",
    ]  # fmt: skip
    assert df["ID записи"].is_unique
    assert set(df["Статус"]) <= {"Пришёл", "Не пришёл", "Отменён", "Запланирован"}
    assert set(df["Филиал"]) == {"Центр", "Север"}
    fmt = "%d.%m.%Y %H:%M"
    at = pd.to_datetime(df["Дата и время приёма"], format=fmt)
    created = pd.to_datetime(df["Дата записи"], format=fmt)
    started = pd.to_datetime(df["Пациент принят в"], format=fmt)
    attended = df["Статус"] == "Пришёл"
    assert (started.notna() == attended).all()
    late = (started - at).dt.total_seconds()[attended] / 60
    assert late.between(-10, 45).all() and (late < 0).any() and late.median() > 0
    assert (created < at).all()
    assert (created <= pd.Timestamp(END) + pd.Timedelta(days=1)).all()
    assert (at[df["Статус"] == "Запланирован"] > pd.Timestamp(END)).all()
    # Every visit in the service exports has an attended appointment with the same doctor.
    services = read_services(out, END)
    visits = set(zip(services["card"], services["doctor"], services["visit_date"], strict=True))
    att = df[attended]
    booked = set(
        zip(att["№ карты"].astype(int), att["Врач"], at[attended].dt.normalize(), strict=True)
    )
    assert visits == booked


def test_contracts_csv(small: tuple[Path, list[Path]], small_data: DemoData) -> None:
    out, _ = small
    raw = (out / "contracts.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    df = pd.read_csv(out / "contracts.csv", sep=";", encoding="cp1251", dtype=str)
    assert list(df.columns) == [
        "Номер договора", "Дата договора", "№ карты", "Пациент", "Врач", "Отделение",
        "Сумма договора", "Предоплата",
    ]  # fmt: skip
    # every simulated contract, each once (21 at this size and seed)
    assert len(df) == len(small_data.contracts) > 0 and df["Номер договора"].is_unique
    money = r"\d{1,3}( \d{3})*,\d\d руб\."
    assert df["Сумма договора"].str.fullmatch(money).all()
    assert df["Предоплата"].dropna().str.fullmatch(money).all()
    amount = df["Сумма договора"].str.replace(" руб.", "").str.replace(" ", "")
    amount = amount.str.replace(",", ".").astype(float)
    assert amount.between(50_000, 400_000).all()
    assert set(df["Отделение"]) <= {"Ортопедия", "Ортодонтия", "Хирургия"}
    pd.to_datetime(df["Дата договора"], format="%d.%m.%Y")


def test_marketing_spend_xlsx(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    df = pd.read_excel(out / "marketing_spend.xlsx", engine="calamine")
    assert list(df.columns) == ["Месяц", "Канал", "Расход, ₽"]
    body, total = df.iloc[:-1], df.iloc[-1]
    assert total["Месяц"] == "Итого"
    assert total["Расход, ₽"] == pytest.approx(body["Расход, ₽"].sum())
    assert body["Месяц"].map(lambda v: isinstance(v, str) and bool(MONTH_RE.match(v))).all()
    assert body["Месяц"].iloc[0] == "январь 2023" and body["Месяц"].iloc[-1] == "декабрь 2025"
    assert set(body["Канал"]) == PAID


def test_price_costs_xlsx(small: tuple[Path, list[Path]]) -> None:
    """Lab-heavy orthopedics and implants, cheap hygiene and consultations, a few costs raised
    at the last year's start, and the impressions that lose money under the orthopedists' 25 %
    of revenue."""
    out, _ = small
    df = pd.read_excel(out / "price_costs.xlsx", engine="calamine", dtype={"Действует с": str})
    assert list(df.columns) == ["Код услуги", "Наименование услуги", "Раздел прайса", "Цена",
                                "Себестоимость", "Действует с"]
    first = df[df["Действует с"].isna()].set_index("Код услуги")
    base_price = first["Цена"] / 1.07**2  # the list shows the last year's prices
    share = first["Себестоимость"] / base_price
    lab = [c for c in first.index if c.startswith("ОРТ") and c not in ("ОРТ01", "ОРТ02")]
    assert share[lab].between(0.35, 0.52).all()
    assert share["ХИР05"] == pytest.approx(0.45, abs=0.02)
    assert share[[c for c in first.index if c.startswith("ГИГ")]].max() <= 0.11
    consults = first.index[first["Наименование услуги"].str.startswith("Консультация")]
    assert len(consults) == 5 and share[consults].max() <= 0.06
    assert share["ТЕР04"] == pytest.approx(0.15, abs=0.01)
    raised = df[df["Действует с"].notna()]
    assert set(raised["Код услуги"]) == {"ОРТ02", "ОРТ03", "ОРТ04", "ХИР05"}
    assert set(raised["Действует с"]) == {"01.01.2025"}
    # the impressions cost more than the price less the orthopedist's 25 %: at the window's
    # first price with the first cost, and at the last year's price with the raised cost
    old, new = df[df["Код услуги"] == "ОРТ02"].itertuples(index=False)
    assert old[4] > 0.75 * base_price["ОРТ02"] and new[4] > 0.75 * new[3]


def test_pay_rules_csv_and_fixed_costs_xlsx(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    pay = pd.read_csv(out / "pay_rules.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert list(pay.columns) == ["Врач", "Отделение", "Схема оплаты", "Процент", "Действует с",
                                 "Роль"]
    assert list(pay["Процент"]) == ["30 %", "25 %", "1 800 ₽", "5 %", "35 %"]
    assert set(pay["Роль"]) == {"врач", "ассистент"}
    fixed = pd.read_excel(out / "fixed_costs.xlsx", engine="calamine")
    assert list(fixed.columns) == ["Месяц", "Филиал", "Статья", "Сумма, ₽"]
    assert len(fixed) == 36 * 2 * 3  # every month of the window, two branches, three items
    assert fixed["Месяц"].iloc[0] == "январь 2023" and fixed["Месяц"].iloc[-1] == "декабрь 2025"
    assert (fixed["Сумма, ₽"] > 0).all()


def test_reviews_csv(small: tuple[Path, list[Path]]) -> None:
    out, _ = small
    raw = (out / "reviews.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out / "reviews.csv", dtype={"Отзыв": str})
    assert list(df.columns) == ["Дата", "Врач", "Оценка", "Площадка", "Отзыв"]
    pd.to_datetime(df["Дата"], format="%Y-%m-%d")
    assert set(df["Оценка"]) <= {1, 2, 3, 4, 5}
    assert set(df["Площадка"]) <= {"ПроДокторов", "2ГИС", "Яндекс Карты"}
    texts = df["Отзыв"].dropna()
    assert texts.str.contains(",").any() and texts.str.contains('"').any()
    patients = pd.read_csv(out / "patients.csv", sep=";", encoding="utf-8-sig", dtype=str)
    surnames = set(patients["ФИО"].str.split().str[0])
    words = set(re.findall(r"[А-ЯЁ][а-яё]+", " ".join(texts)))
    assert not words & surnames


# --- The story, at the default size --------------------------------------------------------------


def test_children_bring_patients_orthopedics_brings_money(story_services: pd.DataFrame) -> None:
    by_dep = story_services.groupby("department").agg(
        patients=("card", "nunique"), revenue=("amount", "sum")
    )
    assert set(by_dep.index) == {
        "Терапия", "Ортопедия", "Детская стоматология", "Хирургия", "Гигиена", "Ортодонтия",
    }  # fmt: skip
    kids, ortho = by_dep.loc["Детская стоматология"], by_dep.loc["Ортопедия"]
    assert 2500 <= kids["patients"] <= 3500
    assert 15e6 <= kids["revenue"] <= 25e6
    assert 800 <= ortho["patients"] <= 1200
    assert 28e6 <= ortho["revenue"] <= 38e6
    assert 2.5 <= kids["patients"] / ortho["patients"] <= 3.5
    assert 1.4 <= ortho["revenue"] / kids["revenue"] <= 1.8


def test_doctors_per_department_and_branches(story_services: pd.DataFrame) -> None:
    doctors = story_services.groupby("department")["doctor"].nunique()
    assert doctors.between(2, 3).all()
    assert story_services["doctor"].str.fullmatch(r"[А-ЯЁ][а-яё]+ [А-ЯЁ]\. [А-ЯЁ]\.").all()
    assert set(story_services["branch"]) == {"Центр", "Север"}
    assert (story_services["discount"] > 0).mean() > 0.05
    refunds = story_services[story_services["amount"] < 0]
    assert 3 <= len(refunds) <= 40


def test_one_doctor_keeps_patients_another_loses_them(story_services: pd.DataFrame) -> None:
    rate = doctor_return_rate(story_services)
    assert rate["Иванова А. С."] > 0.8
    assert rate["Петров Д. В."] < 0.15
    assert rate.idxmax() == "Иванова А. С." and rate.idxmin() == "Петров Д. В."
    first = story_services.groupby(["doctor", "card"])["visit_date"].min().reset_index()
    clinic_first = story_services.groupby("card")["visit_date"].min()
    new = first[first["visit_date"].to_numpy() == clinic_first[first["card"]].to_numpy()]
    # Петров is the doctor most new patients meet first.
    assert new["doctor"].value_counts().idxmax() == "Петров Д. В."


def test_some_patients_were_first_seen_before_the_window(
    story: Path, story_services: pd.DataFrame
) -> None:
    patients = pd.read_csv(story / "patients.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert len(patients) == 6000
    first = pd.to_datetime(patients["Дата первого визита"], format="%d.%m.%Y")
    assert 0.04 <= first.notna().mean() <= 0.06
    assert (first.dropna() < pd.Timestamp(window(STORY_END)[0])).all()
    # every patient in the list has visits in the window
    assert set(patients["№ карты"].astype(int)) == set(story_services["card"])


def test_channels_cost_per_new_patient(story: Path, story_services: pd.DataFrame) -> None:
    patients = pd.read_csv(story / "patients.csv", sep=";", encoding="utf-8-sig", dtype=str)
    new = patients[patients["Дата первого визита"].isna()]
    counts = new["Откуда узнал"].value_counts()
    spend = pd.read_excel(story / "marketing_spend.xlsx", engine="calamine").iloc[:-1]
    cac = spend.groupby("Канал")["Расход, ₽"].sum() / counts
    assert 1000 <= cac["ПроДокторов"] <= 2200
    assert 7000 <= cac["VK Реклама"] <= 12000
    assert cac["VK Реклама"] > 4 * cac["ПроДокторов"]
    assert counts["Рекомендация"] > 0 and "Рекомендация" not in set(spend["Канал"])


def test_funnel_from_lead_to_contract(story: Path, story_services: pd.DataFrame) -> None:
    leads = read_bitrix(story / "bitrix_leads.csv")
    patients = pd.read_csv(story / "patients.csv", sep=";", encoding="utf-8-sig", dtype=str)
    card_by_phone = dict(
        zip(norm_phone(patients["Телефон"]), patients["№ карты"].astype(int), strict=True)
    )
    leads["card"] = norm_phone(leads["Телефон"]).map(card_by_phone)
    leads["created"] = pd.to_datetime(leads["Дата создания"], format="%d.%m.%Y %H:%M:%S")
    first_visit = story_services.groupby("card")["visit_date"].min()
    linked = leads.dropna(subset=["card"])
    lag = first_visit[linked["card"].astype(int)].to_numpy() - linked["created"].dt.normalize()
    assert lag.dt.days.between(0, 8).all()
    # Most new patients from paid and web channels left a lead first.
    new = patients[patients["Дата первого визита"].isna()]
    paid = new[new["Откуда узнал"].isin(["Яндекс.Директ", "VK Реклама", "ПроДокторов", "2ГИС"])]
    assert paid["№ карты"].astype(int).isin(linked["card"].astype(int)).mean() > 0.8
    # Some leads never booked, some booked and did not come, some statuses lag behind.
    unlinked = leads[leads["card"].isna()]
    assert unlinked["Статус"].isin(["Отказ", "Некачественный лид", "Не дозвонились"]).sum() > 500
    assert (unlinked["Статус"] == "Записан на приём").sum() > 200
    assert (linked["Статус"] == "Записан на приём").sum() > 100  # came, CRM still says booked
    assert (linked["Статус"] == "Договор заключён").sum() > 30
    schedule = pd.read_csv(story / "schedule.csv", sep="\t", dtype=str)
    share = schedule["Статус"].value_counts(normalize=True)
    assert 0.06 <= share["Не пришёл"] <= 0.10
    assert 0.045 <= share["Отменён"] <= 0.075
    contracts = pd.read_csv(story / "contracts.csv", sep=";", encoding="cp1251", dtype=str)
    assert contracts["Отделение"].value_counts().index[0] in {"Ортопедия", "Ортодонтия"}


def test_reviews_mostly_good(story: Path) -> None:
    reviews = pd.read_csv(story / "reviews.csv")
    assert len(reviews) == 600
    assert reviews["Оценка"].isin([4, 5]).mean() > 0.75
    by_doctor = reviews.groupby("Врач")["Оценка"].mean()
    assert by_doctor.idxmin() == "Петров Д. В."
