"""Rejected lines never bring a patient's name or phone into the store (issue 10, item 2).

Each export below has a good line, a line the CSV reader cannot split (an extra `;` inside the
patient's name: more fields than the header) and a line rejected for a required value. The name,
the phone and the e-mail of the patient on the bad lines must be found neither in the store file
nor in a backup of it; the user's own download of the rejected rows still shows the line as it
was, so the manager can fix it.
"""

from __future__ import annotations

import pytest

from clinic_bi.store import backup

NAME = "Задорожная Евлампия Карповна"
SURNAME = "Задорожная"
PHONE = "+7 (999) 765-43-21"
EMAIL = "zadorozhnaya@example.ru"
SECRETS = ("Задорожная", "Евлампия", "Карповна", "zadorozhnaya", "example.ru",
           "765-43-21", "9997654321", "79997654321")

# Per table: header, a good line, a line with an extra ';' inside the name, a line with an
# unreadable required value (and which one).
EXPORTS = {
    "patients": (
        "№ карты;ФИО;Телефон;E-mail;Дата рождения",
        "501;Орлова Мария Олеговна;89990000001;o@x.ru;01.02.1980",
        f"502;Задорожная; Евлампия Карповна;{PHONE};{EMAIL};01.02.1980",
        # no card number and a name that gives no key: rejected on the card number
        f";-;{PHONE};{EMAIL};01.02.1980",
    ),
    "services": (
        "Дата;№ карты;ФИО пациента;Телефон;Врач;Услуга;Сумма",
        "01.03.2025;1;Орлова Мария Олеговна;89990000001;Петров;Пломба;1000",
        f"02.03.2025;2;Задорожная; Евлампия Карповна;{PHONE};Петров;Пломба;1000",
        f"xx.03.2025;2;{NAME};{PHONE};Петров;Пломба;1000",
    ),
    "leads": (
        '"ID";"Имя";"Фамилия";"Телефон";"E-mail";"Дата создания";"Источник"',
        '"1";"Мария";"Орлова";"89990000001";"o@x.ru";"01.03.2025 10:00:00";"Сайт"',
        f'"2";"Евлампия; Карповна";"Задорожная";"{PHONE}";"{EMAIL}";"01.03.2025 10:00:00";"Сайт"'
        .replace('"Евлампия; Карповна"', "Евлампия; Карповна"),
        f'"3";"Евлампия";"{SURNAME}";"{PHONE}";"{EMAIL}";"когда-то";"Сайт"',
    ),
    "appointments": (
        "ID записи;Дата и время приёма;№ карты;Пациент;Телефон;Врач;Статус",
        "7001;03.03.2025 10:00;1;Орлова Мария Олеговна;89990000001;Петров;Пришёл",
        f"7002;03.03.2025 11:00;2;Задорожная; Евлампия Карповна;{PHONE};Петров;Пришёл",
        f"7003;вчера;2;{NAME};{PHONE};Петров;Пришёл",
    ),
    "contracts": (
        "Номер договора;Дата договора;№ карты;Пациент;Телефон;Врач;Сумма договора",
        "Д-1;03.03.2025;1;Орлова Мария Олеговна;89990000001;Петров;93 000,00",
        f"Д-2;03.03.2025;2;Задорожная; Евлампия Карповна;{PHONE};Петров;93 000,00",
        f"Д-3;03.03.2025;2;{NAME};{PHONE};Петров;много",
    ),
    "reviews": (
        "Дата;Врач;Оценка;Пациент;Телефон;Отзыв",
        "04.03.2025;Петров;5;Орлова Мария Олеговна;89990000001;Хорошо",
        f"04.03.2025;Петров;5;Задорожная; Евлампия Карповна;{PHONE};Хорошо",
        f"04.03.2025;Петров;отлично;{NAME};{PHONE};Хорошо",
    ),
}


def _bytes(files) -> bytes:
    return b"".join(p.read_bytes() for p in files if p.is_file() and not p.name.endswith(".salt"))


@pytest.mark.parametrize("table", list(EXPORTS))
def test_rejected_lines_keep_no_name_or_phone_in_the_store_or_its_backup(
        table, make_store, tmp_path):
    header, good, split, unreadable = EXPORTS[table]
    st = make_store(tmp_path / "store")
    r = st.load(f"{table}.csv", "\n".join([header, good, split, unreadable]) + "\n")
    assert r.ok, r.error
    assert r.kind == table
    assert (r.rows_new, r.rows_rejected) == (1, 2)
    # what is kept: line number, column and reason (the file's lines 3 and 4)
    kept = st.rows("select row_number, reason from rejects order by row_number")
    assert [row for row, _ in kept] == [3, 4]
    assert all(reason for _, reason in kept)
    # the manager's own download still shows the lines as they were
    download = r.rejected_rows.to_csv(index=False)
    assert SURNAME in download

    st.con.execute("checkpoint")
    st.con.close()
    backup.backup(st.db, tmp_path / "backup")
    for where, blob in (("store", _bytes((tmp_path / "store").glob("store.duckdb*"))),
                        ("backup", _bytes((tmp_path / "backup").rglob("*")))):
        found = [secret for secret in SECRETS if secret.encode("utf-8") in blob]
        assert not found, f"found in the {where}: {found}"
