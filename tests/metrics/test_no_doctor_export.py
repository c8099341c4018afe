"""A services export with no doctor column (issue 12, item 8; DATA.md "services").

A real Russian private clinic's service lines have date, card number, service, amount and
quantity only. They load; the clinic figures work; the visit key is (patient, day); the doctors
table has one row, "без указания" (tests/app/test_app_no_doctor.py: the Врачи page says why).
"""

from __future__ import annotations

import datetime as dt

from clinic_bi.metrics import Engine, Filters

LINES = (
    "Дата;№ карты;Услуга;Сумма;Кол-во\n"
    "10.01.2025;101;Консультация;1 000;1\n"
    "10.01.2025;101;Снимок;500;1\n"       # the same patient, the same day: one visit
    "20.01.2025;101;Пломба;3 000;1\n"     # P101 again: a returning visit
    "12.01.2025;102;Консультация;1 000;1\n"
    "15.01.2025;103;Чистка;2 500;2\n"
)
JANUARY = Filters(dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def test_it_loads_and_the_clinic_figures_work(st):
    result = st.load("услуги.csv", LINES)
    assert (result.rows_new, result.rows_rejected) == (5, 0)
    assert st.rows("select count(*) from services where doctor is null") == [(5,)]
    with Engine(connection=st.con) as engine:
        s = engine.summary(JANUARY)
        doctors = engine.breakdown(JANUARY, "doctor")
    # by hand: 1000 + 500 + 3000 + 1000 + 2500 = 8000 ₽ over 4 visits (101 on the 10th and the
    # 20th, 102, 103) of 3 patients, all new in January
    assert (s.revenue, s.visits, s.patients, s.new_patients) == (8000, 4, 3, 3)
    assert s.avg_check == 2000
    assert doctors["doctor"].tolist() == [None]
    assert doctors["revenue"].tolist() == [8000]
