"""CSV values with line breaks inside quotes (reviews' texts), blank lines and quotes never
closed: the file loads, and every row and every rejected line carries the line of the file it
starts on (issue 12, item 4)."""

from __future__ import annotations

from clinic_bi.ingest import csv_lines, readers

HEADER = "Дата;Врач;Оценка;Отзыв\n"
TOO_MANY = ("в строке больше полей, чем столбцов в заголовке: лишний разделитель или кавычка; "
            "строка не загружена")


def reviews(st) -> list[tuple]:
    return st.rows("select _row, doctor, rating, text from reviews order by _row")


def issues(r) -> list[tuple]:
    return [(i.row, i.column, i.value, i.reason) for i in r.issues]


def test_quoted_line_breaks_load_and_rows_keep_the_line_they_start_on(st):
    text = (
        HEADER                                                        # line 1
        + '12.01.2025;Иванова;5;"Всё хорошо.\nСпасибо врачу!"\n'      # 2-3
        + "13.01.2025;Петров;4;Нормально\n"                           # 4
        + '14.01.2025;Петров;3;"Долго ждал;\nно вылечили";лишнее\n'   # 5-6: five fields
        + "15.01.2025;Сидорова;2;Плохо\n"                             # 7
        + '16.01.2025;Сидорова;1;"Три\nстроки\nтекста"\n'             # 8-10
        + "17.01.2025;Иванова;5;Отлично\n"                            # 11
    )
    r = st.load("reviews.csv", text)
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (6, 5, 1)
    assert issues(r) == [
        (5, None, '14.01.2025;Петров;3;"Долго ждал;\nно вылечили";лишнее',
         TOO_MANY + " (строки 5–6)"),
    ]
    assert reviews(st) == [
        (2, "Иванова", 5, "Всё хорошо. Спасибо врачу!"),
        (4, "Петров", 4, "Нормально"),
        (7, "Сидорова", 2, "Плохо"),
        (8, "Сидорова", 1, "Три строки текста"),
        (11, "Иванова", 5, "Отлично"),
    ]
    assert list(r.rejected_rows["Строка файла"]) == [5]


def test_a_line_break_far_down_the_file_is_read_again_single_threaded(st, monkeypatch):
    # the first lines have none (the file is read in parallel first); DuckDB's parallel reader
    # refuses it at line 102, and the single-threaded one reads it
    refusals = []

    def quoted_newlines(exc):
        refusals.append(str(exc))
        return True

    monkeypatch.setattr(readers, "_quoted_newlines", quoted_newlines)
    lines = "".join(f"{d:02d}.01.2025;Иванова;5;хорошо\n" for d in [1, 2, 3, 4, 5] * 20)
    text = (HEADER + lines                                            # lines 1, 2-101
            + '06.01.2025;Петров;4;"две\nстроки"\n'                    # 102-103
            + "07.01.2025;Петров;3;x;лишнее\n"                         # 104
            + "08.01.2025;Сидорова;2;конец\n")                         # 105
    r = st.load("late.csv", text)
    assert len(refusals) == 1 and "quoted new lines" in refusals[0]
    assert (r.rows_new, r.rows_rejected) == (102, 1)
    assert issues(r) == [(104, None, "07.01.2025;Петров;3;x;лишнее", TOO_MANY)]
    assert reviews(st)[-3:] == [
        (101, "Иванова", 5, "хорошо"),
        (102, "Петров", 4, "две строки"),
        (105, "Сидорова", 2, "конец"),
    ]


def test_blank_lines_do_not_move_the_rows_after_them(st):
    # DuckDB's reader skips a blank line without a record, and its rejects count it
    text = (HEADER + "12.01.2025;A;5;a\n"      # 2
            + "\n"                             # 3
            + "13.01.2025;B;4;b;x\n"           # 4: five fields
            + "\n\n"                           # 5, 6
            + "14.01.2025;C;3;c\n\n")          # 7, and a blank last line
    r = st.load("blank.csv", text)
    assert (r.rows_new, r.rows_rejected) == (2, 1)
    assert issues(r) == [(4, None, "13.01.2025;B;4;b;x", TOO_MANY)]
    assert reviews(st) == [(2, "A", 5, "a"), (7, "C", 3, "c")]


def test_windows_line_ends_inside_and_outside_quotes(st):
    text = (HEADER + '12.01.2025;A;5;"a\n\nb"\n' + "13.01.2025;B;4;b;x\n"
            + "14.01.2025;C;3;c\n").replace("\n", "\r\n")
    r = st.load("crlf.csv", text)
    assert issues(r) == [(5, None, "13.01.2025;B;4;b;x", TOO_MANY)]
    assert reviews(st) == [(2, "A", 5, "a b"), (6, "C", 3, "c")]


def test_title_lines_above_the_header_and_windows_1251(st):
    text = ("Отзывы пациентов\nза январь 2025\n" + HEADER
            + '12.01.2025;Иванова;5;"Хорошо,\nвсё понравилось"\n'       # 4-5
            + "13.01.2025;Петров;4;Нормально;лишнее\n"                  # 6
            + "14.01.2025;Петров;3;Средне\n")                           # 7
    r = st.load("отзывы.csv", text, encoding="cp1251")
    assert "Windows-1251" in r.fmt and "заголовок в строке 3" in r.fmt
    assert issues(r) == [(6, None, "13.01.2025;Петров;4;Нормально;лишнее", TOO_MANY)]
    assert reviews(st) == [(4, "Иванова", 5, "Хорошо, всё понравилось"),
                           (7, "Петров", 3, "Средне")]


def test_a_quote_never_closed_is_rejected_with_the_lines_it_swallows(st):
    # DuckDB's single-threaded reader (the one quoted line breaks need) loads such a record
    # cut off, its text empty: the rest of the file would vanish without a word
    text = (HEADER + '12.01.2025;Иванова;5;"Хорошо,\nвсё понравилось"\n'  # 2-3
            + '13.01.2025;Петров;4;"Открыл кавычку\n'                  # 4: never closed
            + "14.01.2025;Петров;3;Средне\n"                           # 5
            + "15.01.2025;Сидорова;2;Плохо\n")                         # 6
    r = st.load("unclosed.csv", text)
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (2, 1, 1)
    assert issues(r) == [(
        4, None, '13.01.2025;Петров;4;"Открыл кавычку\n14.01.2025;Петров;3;Средне\n'
        "15.01.2025;Сидорова;2;Плохо\n",
        "кавычка открыта и не закрыта до конца файла: строки 4–6 читаются как одно значение и "
        "не загружены. Закройте кавычку (или уберите лишнюю) и загрузите файл снова",
    )]
    assert reviews(st) == [(2, "Иванова", 5, "Хорошо, всё понравилось")]


def test_a_quote_never_closed_on_the_last_line_is_not_loaded_cut_off(st):
    # the line count agrees with the records here: only reading the records again tells
    text = HEADER + "12.01.2025;Иванова;5;Хорошо\n" + '13.01.2025;Петров;4;"Открыл кавычку\n'
    r = st.load("last.csv", text)
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert issues(r) == [(
        3, None, '13.01.2025;Петров;4;"Открыл кавычку\n',
        "кавычка открыта и не закрыта до конца файла: строка не загружена. Закройте кавычку "
        "(или уберите лишнюю) и загрузите файл снова",
    )]
    assert reviews(st) == [(2, "Иванова", 5, "Хорошо")]


def test_a_quote_never_closed_far_down_the_file(st):
    lines = "".join(f"{d:02d}.01.2025;Иванова;5;хорошо\n" for d in [1, 2, 3, 4, 5] * 20)
    text = (HEADER + lines + '06.01.2025;Петров;4;"Открыл кавычку\n'   # line 102
            + "07.01.2025;Петров;3;Средне\n")                         # 103
    r = st.load("far.csv", text)
    assert (r.rows_new, r.rows_rejected) == (100, 1)
    assert [(i.row, i.column) for i in r.issues] == [(102, None)]
    assert "строки 102–103" in r.issues[0].reason and "кавычк" in r.issues[0].reason
    assert st.one("select max(_row) from reviews") == 101


def test_a_quote_closed_in_the_wrong_place_is_named_as_the_quote(st):
    # the quote left open on line 102 closes on line 103, before a 4: DuckDB reports the record
    # both as an "unquoted value" and as "too many columns"; the quote is what to fix
    lines = "".join(f"{d:02d}.01.2025;Иванова;5;хорошо\n" for d in [1, 2, 3, 4, 5] * 20)
    text = (HEADER + lines
            + '06.01.2025;Петров;5;"Хорошо\n'                   # 102: never closed here
            + '07.01.2025;Петров;"4";Плохо\n'                   # 103
            + "08.01.2025;Сидорова;3;Средне\n")                 # 104
    r = st.load("кавычки.csv", text)
    assert (r.rows_new, r.rows_rejected) == (101, 1)
    assert [(i.row, i.column, i.reason) for i in r.issues] == [
        (102, None, "незакрытая или лишняя кавычка: проверьте строку в исходной системе "
                    "(строки 102–103)")]
    assert reviews(st)[-2:] == [(101, "Иванова", 5, "хорошо"), (104, "Сидорова", 3, "Средне")]


def test_old_mac_line_ends_are_numbered_without_reading_the_file_as_one_line(st, monkeypatch):
    # lines that end in "\r" alone: DuckDB reads them; the csv pass (lines end at "\n") would
    # hold the whole file as one line, so it is not run
    def no_pass(*args):
        raise AssertionError("the whole file read as one line")

    monkeypatch.setattr(csv_lines, "_records", no_pass)
    text = HEADER + "12.01.2025;A;5;a\n13.01.2025;B;4;b;x\n14.01.2025;C;3;c\n"
    r = st.load("mac.csv", text.replace("\n", "\r"))
    assert issues(r) == [(3, None, "13.01.2025;B;4;b;x", TOO_MANY)]
    assert reviews(st) == [(2, "A", 5, "a"), (4, "C", 3, "c")]


def test_count_lines_stops_at_the_last_line_that_is_not_blank(tmp_path):
    big = b"x" * (9 * 1024 * 1024)  # more than one read of the buffer
    cases = [(b"", 0), (b"\n\n", 0), (b"H\na\n", 2), (b"H\na", 2), (b"H\na\n\n\n", 2),
             (b"H\r\na\r\n\r\n", 2), (b"a\n  \n", 2), (big + b"\n" * 11, 1), (b"a\n" + big, 2),
             (b"a\n" + big + b"\n\nb\n\n", 4)]
    for k, (data, lines) in enumerate(cases):
        path = tmp_path / f"{k}.csv"
        path.write_bytes(data)
        assert csv_lines.count_lines(path) == lines, data[:12]
