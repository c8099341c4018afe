-- How a raw export cell is read: the one place that decides what "12 345,00 руб." or
-- "31.12.2025 14:30" means. Temporary macros, created on the loading connection only.
-- Every parser returns NULL for what it cannot read; the table files turn that into a reason.

-- Text: collapse runs of white space (incl. non-breaking), trim, '' → NULL. The regex runs only
-- on values that need it (a plain `contains` is ~10x cheaper than a regex on a million rows).
create or replace temp macro needs_space_fix(x) as
    contains(x, '  ') or contains(x, chr(160)) or contains(x, chr(9)) or contains(x, chr(10))
    or contains(x, chr(13)) or contains(x, chr(8239)) or contains(x, chr(8201));

create or replace temp macro clean_text(x) as
    nullif(trim(case
        when needs_space_fix(cast(x as varchar)) then
            regexp_replace(cast(x as varchar), '[\s\x{00A0}\x{202F}\x{2009}]+', ' ', 'g')
        else cast(x as varchar)
    end), '');

-- Names of doctors and operators; Bitrix24 REST writes "[123] Иван Петров". A cheap `contains`
-- first (ltrim copies the string); the regex branch in a lambda, else the common-subexpression
-- pass hoists the regex out of the CASE onto every row. clean_text outside the CASE, once: as
-- each branch's own, it ran under the CASE's selection (0.37 s of CPU per million cells
-- against 0.22 s).
create or replace temp macro clean_name(x) as
    clean_text(case
        when contains(cast(x as varchar), '[') and starts_with(ltrim(cast(x as varchar)), '[') then
            list_transform([cast(x as varchar)], lambda v: regexp_replace(v, '^\s*\[\d+\]\s*', ''))[1]
        else cast(x as varchar)
    end);

-- A word for value maps (statuses, stages): lower case, ё → е, no stray punctuation.
create or replace temp macro norm_word(x) as
    nullif(trim(regexp_replace(replace(lower(cast(x as varchar)), 'ё', 'е'), '[\s\x{00A0}.,!;:"«»()\-]+', ' ', 'g')), '');

-- Numbers: drop spaces of every kind (thousands separators) and currency words and signs
-- ("12 345 ₽", "1500 руб.", "$100"). Plain `replace` handles the common cells; the regex runs
-- only for the rows it leaves unreadable (this runs on every money cell of a million rows). The
-- five copies by `replace` only for cells that have one of the characters (`contains` copies
-- nothing).
create or replace temp macro num_spaces(x) as
    case
        when contains(cast(x as varchar), ' ') or contains(cast(x as varchar), chr(160))
             or contains(cast(x as varchar), chr(8239)) or contains(cast(x as varchar), chr(8201))
             or contains(cast(x as varchar), '−') then
            replace(replace(replace(replace(replace(cast(x as varchar), ' ', ''), chr(160), ''),
                chr(8239), ''), chr(8201), ''), '−', '-')
        else cast(x as varchar)
    end;

-- The minus sign is '-' or '−' (U+2212). An en or em dash is not read as one: "–200" is
-- unreadable (reported), because a dash in a cell is as often "none" or a range as a minus.
create or replace temp macro num_clean(x) as
    regexp_replace(
        replace(lower(trim(cast(x as varchar))), '−', '-'),
        '[\s\x{00A0}\x{202F}\x{2009}'']|руб\.?|rub\.?|rur|р\.|р$|₽|\$|€', '', 'g'
    );

-- Refunds as accountants write them, on the cleaned text: "(1500,00)" and 1C's trailing minus
-- "1500,00-" are -1500,00. Anything else with a sign in the wrong place stays unreadable.
create or replace temp macro num_sign(s) as
    case
        when starts_with(s, '(') and ends_with(s, ')') then '-' || s[2:-2]
        when ends_with(s, '-') and not starts_with(s, '-') then '-' || s[1:-2]
        else s
    end;

-- Units after a count or a duration ("2 шт.", "30 мин"), on the cleaned text (parse_num only).
create or replace temp macro num_units(s) as regexp_replace(s, '(шт|ед|мин)\.?$', '');

-- The last of ',' and '.' is the decimal separator; the other one groups thousands.
create or replace temp macro num_text(s) as
    case
        when s is null or s = '' then null
        when not contains(s, ',') then s
        when not contains(s, '.') then replace(s, ',', '.')
        when strpos(reverse(s), ',') < strpos(reverse(s), '.') then replace(replace(s, '.', ''), ',', '.')
        else replace(s, ',', '')
    end;

-- The fast path handles plain numbers with any spaces; only the rows it leaves NULL reach the
-- slow path (currency words, mixed separators, refunds in brackets or with a trailing minus).
-- The slow path sits inside a one-element lambda so that DuckDB's common-subexpression pass
-- cannot hoist its regex out of the COALESCE and run it on every row; an empty cell (NULL) skips
-- it (on 10 % empty cells it cost as much as the fast path on all of them). Each step's result
-- is a lambda's parameter: a macro that names its argument n times copies the expression n times
-- (num_text(num_sign(num_clean(v))) held some 70 copies of num_clean's regex: 40 ms to plan).
-- Money has at most two decimals (kopecks): a single kind of separator followed by groups of
-- exactly three digits ("1.500", "1,500", "12.345.678") groups thousands, as Russian and
-- European exports write it, and is never 1,5 roubles. The cheap test (a separator fourth from
-- the end) comes first; the regex runs only on the cells it leaves.
create or replace temp macro money_text(s) as
    case
        when s is not null and substr(s, -4, 1) in ('.', ',')
             and regexp_full_match(s, '-?[1-9][0-9]{0,2}(\.[0-9]{3})+|-?[1-9][0-9]{0,2}(,[0-9]{3})+') then
            replace(replace(s, '.', ''), ',', '')
        else num_text(s)
    end;

create or replace temp macro parse_money(x) as
    coalesce(
        try_cast(money_text(num_spaces(x)) as decimal(18, 2)),
        case when x is not null then
            list_transform([num_clean(x)], lambda c: list_transform([num_sign(c)],
                lambda s: try_cast(money_text(s) as decimal(18, 2)))[1])[1]
        end
    );

create or replace temp macro parse_num(x) as
    coalesce(
        try_cast(num_text(num_spaces(x)) as decimal(18, 3)),
        case when x is not null then
            list_transform([num_units(num_clean(x))], lambda c: list_transform([num_sign(c)],
                lambda s: try_cast(num_text(s) as decimal(18, 3)))[1])[1]
        end
    );

-- A cell that holds nothing but a dash ("-", "–", "—", "−"): "none" in an optional number cell
-- (DATA.md "Reading cells"). Only ever asked of cells the number parser could not read.
create or replace temp macro is_dash(x) as regexp_matches(cast(x as varchar), '^\s*[-–—−]+\s*$');

-- An optional money cell where a dash means 0 (discount, paid, prepaid).
create or replace temp macro money_or_dash(x, parsed) as
    coalesce(parsed, case when x is not null and is_dash(x) then cast(0 as decimal(18, 2)) end);

-- Dates and times. Day-first for dotted and slashed dates; ISO; Excel serial numbers (XLSX
-- cells formatted as numbers); a profile's own format first when it gives one. A trailing
-- time-zone offset (Bitrix REST) is dropped: the clinic's local time is what it says.
create or replace temp macro ts_text(x) as
    regexp_replace(
        clean_text(x),
        '([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)\s*([+-][0-9]{2}:?[0-9]{2}|Z)$', '\1'
    );

-- A month's name in any grammatical case (январь, января, январе …), its usual abbreviations
-- (янв, фев/февр, сен/сент, ноя/нояб …) and English names; `w` is one word in lower case, ё as е,
-- without a trailing dot. A whole list, not prefixes: "марка" is no month. A map, not a CASE:
-- a CASE copies `w` into each of its branches, and every date cell's parser holds this macro.
create or replace temp macro month_number(w) as map_extract_value(MAP {
        'январь': 1, 'января': 1, 'январю': 1, 'январем': 1, 'январе': 1, 'янв': 1, 'january': 1, 'jan': 1,
        'февраль': 2, 'февраля': 2, 'февралю': 2, 'февралем': 2, 'феврале': 2, 'фев': 2, 'февр': 2, 'february': 2, 'feb': 2,
        'март': 3, 'марта': 3, 'марту': 3, 'мартом': 3, 'марте': 3, 'мар': 3, 'march': 3, 'mar': 3,
        'апрель': 4, 'апреля': 4, 'апрелю': 4, 'апрелем': 4, 'апреле': 4, 'апр': 4, 'april': 4, 'apr': 4,
        'май': 5, 'мая': 5, 'маю': 5, 'маем': 5, 'мае': 5, 'may': 5,
        'июнь': 6, 'июня': 6, 'июню': 6, 'июнем': 6, 'июне': 6, 'июн': 6, 'june': 6, 'jun': 6,
        'июль': 7, 'июля': 7, 'июлю': 7, 'июлем': 7, 'июле': 7, 'июл': 7, 'july': 7, 'jul': 7,
        'август': 8, 'августа': 8, 'августу': 8, 'августом': 8, 'августе': 8, 'авг': 8, 'august': 8, 'aug': 8,
        'сентябрь': 9, 'сентября': 9, 'сентябрю': 9, 'сентябрем': 9, 'сентябре': 9, 'сен': 9, 'сент': 9, 'september': 9, 'sep': 9, 'sept': 9,
        'октябрь': 10, 'октября': 10, 'октябрю': 10, 'октябрем': 10, 'октябре': 10, 'окт': 10, 'october': 10, 'oct': 10,
        'ноябрь': 11, 'ноября': 11, 'ноябрю': 11, 'ноябрем': 11, 'ноябре': 11, 'ноя': 11, 'нояб': 11, 'november': 11, 'nov': 11,
        'декабрь': 12, 'декабря': 12, 'декабрю': 12, 'декабрем': 12, 'декабре': 12, 'дек': 12, 'december': 12, 'dec': 12
    }, w);

-- A date written with the month's name or with a year mark: "5 февраля 2025 г.", "05 фев. 2025",
-- "1 мая 2025 года", "5 Feb 2025", "5.02.2025г.", "05.02.2025, 14:30", "5 февраля 2025 г. в 14:30".
-- Day first; a two-digit year as %y reads it (00–68 → 2000–2068, 69–99 → 1969–1999). Reached
-- only by cells the common spellings could not read (parse_ts's slow path).
create or replace temp macro ts_words(t) as
    list_transform(
        [regexp_extract(replace(lower(t), 'ё', 'е'),
            '^([0-9]{1,2})(?:[\s.\-]*([a-zа-я]+)\.?[\s.\-]*|\.([0-9]{1,2})\.)([0-9]{4}|[0-9]{2})'
            || '(?:\s*(?:года?|г)\.?)?(?:\s*,?\s*(?:в\s*)?([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?))?$',
            ['d', 'word', 'm', 'y', 'time'])],
        lambda p: case when p.d <> '' then list_transform(
            [p.d || '.' || coalesce(cast(month_number(nullif(p.word, '')) as varchar), p.m)
             || '.' || p.y || case when p.time <> '' then ' ' || p.time else '' end],
            lambda s: case when length(p.y) = 4
                then try_strptime(s, ['%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y'])
                else try_strptime(s, ['%d.%m.%y %H:%M:%S', '%d.%m.%y %H:%M', '%d.%m.%y'])
            end)[1]
        end
    )[1];

create or replace temp macro parse_ts_any(t) as
    coalesce(
        case when regexp_matches(t, '^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{2}( |$)') then
            try_strptime(t, ['%d.%m.%y %H:%M:%S', '%d.%m.%y %H:%M', '%d.%m.%y'])
        end,
        try_strptime(t, [
            '%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M', '%d.%m.%Y',
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d',
            '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S.%f',
            '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y',
            '%d-%m-%Y', '%Y.%m.%d', '%d.%m.%Y г.'
        ]),
        ts_words(t),
        case when regexp_matches(t, '^[0-9]{5}(\.[0-9]+)?$') then
            timestamp '1899-12-30'
            + to_microseconds(cast(round(cast(t as double) * 86400000000) as bigint))
        end
    );

-- "28.12.25" read as the year 25 is not a date of a clinic's records: such readings are
-- discarded so that the next spelling (two-digit year) gets its turn.
create or replace temp macro plausible_ts(ts) as
    case when ts >= timestamp '1900-01-01' and ts < timestamp '2100-01-01' then ts end;

-- The common spellings are tried on the raw text first; cleaning (spaces, time zones) and the
-- long list of formats only for what is left. The cleaning sits inside a lambda too: as a plain
-- list argument, `clean_text(x)` was hoisted out of the COALESCE and run on every row. An empty
-- cell skips the lambda (building its one-element list cost as much as the fast path).
create or replace temp macro parse_ts(x, fmt) as
    coalesce(
        plausible_ts(try_strptime(cast(x as varchar), fmt)),
        plausible_ts(try_strptime(cast(x as varchar), ['%d.%m.%Y', '%Y-%m-%d', '%d.%m.%Y %H:%M',
                                                       '%d.%m.%Y %H:%M:%S', '%Y-%m-%d %H:%M:%S'])),
        case when x is not null then
            list_transform([cast(x as varchar)], lambda v: list_transform([ts_text(v)], lambda t: coalesce(
                plausible_ts(try_strptime(t, fmt)),
                plausible_ts(parse_ts_any(t))
            ))[1])[1]
        end
    );

create or replace temp macro parse_date(x, fmt) as cast(parse_ts(x, fmt) as date);

-- A month: "2025-03", "03.2025", "март 2025", "Март 2025 г.", or any full date (its month).
create or replace temp macro parse_month_text(t) as
    case
        when regexp_matches(t, '^[0-9]{4}[-./][0-9]{1,2}$') then
            try(make_date(cast(t[1:4] as integer), cast(regexp_extract(t, '([0-9]{1,2})$', 1) as integer), 1))
        when regexp_matches(t, '^[0-9]{1,2}[-./][0-9]{4}$') then
            try(make_date(cast(regexp_extract(t, '([0-9]{4})$', 1) as integer), cast(regexp_extract(t, '^([0-9]{1,2})', 1) as integer), 1))
        when regexp_matches(t, '^[a-zа-я]+\.?\s+[0-9]{4}') then
            try(make_date(cast(regexp_extract(t, '([0-9]{4})', 1) as integer),
                          month_number(regexp_extract(t, '^([a-zа-я]+)', 1)), 1))
        else cast(date_trunc('month', parse_ts_any(t)) as date)
    end;

create or replace temp macro parse_month(x) as parse_month_text(replace(lower(clean_text(x)), 'ё', 'е'));

-- Phones: digits only; a leading 8 or a missing country code becomes 7 (Russian numbers); 10 to
-- 15 digits (the longest number E.164 allows) is a phone, anything else is not.
-- Must agree with clinic_bi/ingest/privacy.py:normalize_phone (a test checks both).
create or replace temp macro phone_digits(x) as regexp_replace(cast(x as varchar), '[^0-9]', '', 'g');

create or replace temp macro phone_norm(x) as
    case
        when length(phone_digits(x)) = 11 and phone_digits(x)[1] = '8' then '7' || phone_digits(x)[2:]
        when length(phone_digits(x)) = 10 then '7' || phone_digits(x)
        when length(phone_digits(x)) between 10 and 15 then phone_digits(x)
    end;

-- One cell may hold several phones (Bitrix24 writes a contact's phones as
-- "+7 912 000-00-01, 8 903 000-00-02"): the parts between `,` `;` `/` and line breaks.
create or replace temp macro phone_parts(x) as
    list_filter(regexp_split_to_array(cast(x as varchar), '[,;/\n]'), lambda p: trim(p) <> '');

-- Whether the cell holds a phone phone_norm reads (for an issue's test).
create or replace temp macro phone_ok(x) as
    case when list_bool_or(list_transform(phone_parts(x), lambda p: phone_norm(p) is not null))
        then true end;

-- The store's phone_hash: the salted hash of each phone of the cell, sorted, comma-separated
-- (a cell with one phone gives that phone's hash alone). Leads link to patients by any of them
-- (queries/models/core/fct_lead_links.sql).
create or replace temp macro phone_hash(x, salt) as
    nullif(array_to_string(list_sort(list_distinct(list_filter(
        list_transform(phone_parts(x), lambda p: sha256(salt || phone_norm(p))),
        lambda h: h is not null))), ','), '');

-- The phone a derived patient key is made with: the cell's first phone.
create or replace temp macro first_phone(x) as phone_norm(phone_parts(x)[1]);

-- A patient key where the export has no card number: a salted hash of the name with the phone
-- (or birth date), so the same person gets the same key in every file and no name is kept.
create or replace temp macro derived_patient_id(name, phone, birth, salt) as
    case when norm_word(name) is not null then
        'h:' || sha256(salt || '|' || norm_word(name) || '|' || coalesce(first_phone(phone), cast(birth as varchar), ''))[1:16]
    end;

-- A number Excel has written in exponent form (`2,98725E+13`): the digits past the sixth are
-- gone, so different card or lead numbers become one. Such a cell is no number: read_id refuses
-- it, and the row is rejected (required ids) with a hint (unreadable_what).
-- The regex runs only on cells with a '+' (every such number has one): on every cell of a
-- million it cost ~0.1 s of CPU.
create or replace temp macro is_excel_number(x) as
    case when contains(cast(x as varchar), '+') then
        coalesce(regexp_matches(trim(cast(x as varchar)), '^[0-9]([.,][0-9]+)?[eE][+][0-9]+$'), false)
    else false end;

create or replace temp macro read_id(x) as
    case when not is_excel_number(x) then clean_text(x) end;

-- The patient's key: the card number, else the derived key (the name may come whole or in parts).
create or replace temp macro patient_key(id, name, last_name, first_name, middle_name, phone, birth, salt) as
    coalesce(
        read_id(id),
        derived_patient_id(concat_ws(' ', name, last_name, first_name, middle_name), phone, birth, salt)
    );

create or replace temp macro gender_code(x) as
    case
        when norm_word(x) in ('ж', 'жен', 'женский', 'женщина', 'f', 'female', 'w') then 'f'
        when norm_word(x) in ('м', 'муж', 'мужской', 'мужчина', 'm', 'male') then 'm'
    end;

-- A key part: the value as text, NULL spelt out so that (a, NULL, b) and (a, b, NULL) differ.
create or replace temp macro key_part(x) as coalesce(cast(x as varchar), '∅');

-- Row issues: a required value that is empty or unreadable rejects the row; an optional value
-- that is unreadable is a warning (the row loads with the value left empty). A reason is a code,
-- `what;key=value;…`, that clinic_bi/ingest/messages.py words in the user's language: `what`
-- is the kind of value the cell should hold (money, date, card …), `hint` what it shows instead,
-- `then` what became of the line.
create or replace temp macro required_issue(col, raw, parsed, what) as
    case
        when clean_text(raw) is null then
            {'column_name': col, 'value': null::varchar, 'reason': 'empty', 'severity': 'rejected'}
        when parsed is null then
            {'column_name': col, 'value': left(cast(raw as varchar), 200), 'reason': 'unreadable;what=' || what, 'severity': 'rejected'}
    end;

-- Whether a cell holds anything but white space (clean_text(x) is not null, in one regex: the
-- issue macros below are many, and each copy of clean_text is large to plan).
create or replace temp macro is_filled(x) as
    regexp_matches(cast(x as varchar), '[^\s\x{00A0}\x{202F}\x{2009}]');

-- What an unreadable number cell was taken for, with the hint where the cell shows one: Excel's
-- exponent, a dash alone (it says no amount), a dash before digits (not a minus: DATA.md
-- "Reading cells").
create or replace temp macro unreadable_what(raw, what) as
    what || case
        when is_excel_number(raw) then ';hint=excel'
        when is_dash(raw) then ';hint=dash'
        when regexp_matches(cast(raw as varchar), '^\s*[–—]\s*[0-9]') then ';hint=endash'
        else ''
    end;

-- An optional id Excel has spoilt: a warning, the row loads without it.
create or replace temp macro excel_id_issue(col, raw, what) as
    case when is_excel_number(raw) then
        {'column_name': col, 'value': left(cast(raw as varchar), 200),
         'reason': 'unreadable;what=' || unreadable_what(raw, what) || ';then=left_empty',
         'severity': 'warning'}
    end;

-- A filled cell that cannot be read, where the row needs its value: `tail` says what for or
-- what was done (a `then` code), `severity` whether the row still loads ('warning') or not
-- ('rejected').
create or replace temp macro cell_issue(col, raw, parsed, what, tail, severity) as
    case when parsed is null and is_filled(raw) then
        {'column_name': col, 'value': left(cast(raw as varchar), 200),
         'reason': 'unreadable;what=' || unreadable_what(raw, what) || ';then=' || tail, 'severity': severity}
    end;

create or replace temp macro optional_issue(col, raw, parsed, what) as
    case when clean_text(raw) is not null and parsed is null then
        {'column_name': col, 'value': left(cast(raw as varchar), 200), 'reason': 'unreadable;what=' || what || ';then=left_empty', 'severity': 'warning'}
    end;

-- An optional number cell: a dash alone is "none" (counted in the file's notes, not here);
-- anything else unreadable is a warning.
create or replace temp macro optional_number_issue(col, raw, parsed, what) as
    case when not coalesce(is_dash(raw), false) then
        optional_issue(col, raw, parsed, unreadable_what(raw, what))
    end;

-- A date after today in a record of something that already happened (a service, a lead, a
-- contract, a review, spend) is a typo or a month/day mix-up: the row is rejected. Schedules
-- may look ahead and are not checked.
create or replace temp macro future_issue(col, raw, d, today) as
    case when cast(d as date) > today then
        {'column_name': col, 'value': left(cast(raw as varchar), 200),
         'reason': 'future;today=' || strftime(today, '%Y-%m-%d'),
         'severity': 'rejected'}
    end;

-- Rows that are not data: blank rows, and total rows ("Итого", "Всего") of MIS reports,
-- recognised by their first filled cell (`_first_cells`). They are counted as skipped, not loaded or rejected.
create or replace temp macro is_total_text(first_cell) as
    trim(coalesce(first_cell, '')) = ''
    or regexp_matches(lower(first_cell), '^\s*(итого|всего|total|итог)([^а-яa-z0-9]|$)');

-- Group header rows of grouped MIS reports (DATA.md "Grouped reports"; clinic_bi/ingest/groups.py):
-- a row whose one filled cell names the doctor, department or branch of the lines below it.
-- `t` is that cell, cleaned (clean_text). A label names what the group is; its value follows the
-- colon (it may be empty: the lines below have none).
create or replace temp macro group_label(t) as
    case
        when regexp_matches(lower(t), '^(врач|доктор|специалист|исполнитель|сотрудник)\s*:') then 'doctor'
        when regexp_matches(lower(t), '^(отделение|подразделение|направление|специальность)\s*:') then 'department'
        when regexp_matches(lower(t), '^(филиал|клиника)\s*:') then 'branch'
    end;

create or replace temp macro group_value(t) as nullif(trim(regexp_replace(t, '^[^:]*:', '')), '');

-- A cell that holds a person's name and nothing else, written as doctors are: a surname with two
-- initials («Соколов Д. А.», «Соколов Д.А.», «Д. А. Соколов») or surname, first name and a
-- patronymic («Соколов Дмитрий Андреевич», «Петрова Анна Ильинична»), each word capitalised,
-- Cyrillic. A service («Консультация терапевта»), a comment («Скидка по акции») or a name
-- without initials or patronymic («Соколов Дмитрий») is not one.
create or replace temp macro looks_like_person(t) as
    regexp_matches(t, '^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)? [А-ЯЁ]\. ?[А-ЯЁ]\.?$')
    or regexp_matches(t, '^[А-ЯЁ]\. ?[А-ЯЁ]\. ?[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?$')
    or regexp_matches(t, '^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)? [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+(ич|вна|чна)$');
