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
-- pass hoists the regex (repeated inside clean_text) out of the CASE onto every row.
create or replace temp macro clean_name(x) as
    case
        when contains(cast(x as varchar), '[') and starts_with(ltrim(cast(x as varchar)), '[') then
            list_transform([cast(x as varchar)],
                           lambda v: clean_text(regexp_replace(v, '^\s*\[\d+\]\s*', '')))[1]
        else clean_text(x)
    end;

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

create or replace temp macro num_clean(x) as
    regexp_replace(
        replace(replace(lower(trim(cast(x as varchar))), '−', '-'), '–', '-'),
        '[\s\x{00A0}\x{202F}\x{2009}'']|руб\.?|rub\.?|rur|р\.|р$|₽|\$|€', '', 'g'
    );

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
-- slow path (currency words, mixed separators). The slow path sits inside a one-element lambda
-- so that DuckDB's common-subexpression pass cannot hoist its regex out of the COALESCE and run
-- it on every row; an empty cell (NULL) skips it (on 10 % empty cells it cost as much as the
-- fast path on all of them).
create or replace temp macro parse_money(x) as
    coalesce(
        try_cast(num_text(num_spaces(x)) as decimal(18, 2)),
        case when x is not null then
            list_transform([cast(x as varchar)],
                           lambda v: try_cast(num_text(num_clean(v)) as decimal(18, 2)))[1]
        end
    );

create or replace temp macro parse_num(x) as
    coalesce(
        try_cast(num_text(num_spaces(x)) as decimal(18, 3)),
        case when x is not null then
            list_transform([cast(x as varchar)],
                           lambda v: try_cast(num_text(num_clean(v)) as decimal(18, 3)))[1]
        end
    );

-- Dates and times. Day-first for dotted and slashed dates; ISO; Excel serial numbers (XLSX
-- cells formatted as numbers); a profile's own format first when it gives one. A trailing
-- time-zone offset (Bitrix REST) is dropped: the clinic's local time is what it says.
create or replace temp macro ts_text(x) as
    regexp_replace(
        clean_text(x),
        '([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)\s*([+-][0-9]{2}:?[0-9]{2}|Z)$', '\1'
    );

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
-- list argument, `clean_text(x)` was hoisted out of the COALESCE and run on every row.
create or replace temp macro parse_ts(x, fmt) as
    coalesce(
        plausible_ts(try_strptime(cast(x as varchar), fmt)),
        plausible_ts(try_strptime(cast(x as varchar), ['%d.%m.%Y', '%Y-%m-%d', '%d.%m.%Y %H:%M',
                                                       '%d.%m.%Y %H:%M:%S', '%Y-%m-%d %H:%M:%S'])),
        list_transform([cast(x as varchar)], lambda v: list_transform([ts_text(v)], lambda t: coalesce(
            plausible_ts(try_strptime(t, fmt)),
            plausible_ts(parse_ts_any(t))
        ))[1])[1]
    );

create or replace temp macro parse_date(x, fmt) as cast(parse_ts(x, fmt) as date);

-- A month: "2025-03", "03.2025", "март 2025", "Март 2025 г.", or any full date (its month).
create or replace temp macro month_number(w) as
    case
        when w like 'янв%' or w like 'jan%' then 1
        when w like 'фев%' or w like 'feb%' then 2
        when w like 'мар%' or w like 'mar%' then 3
        when w like 'апр%' or w like 'apr%' then 4
        when w like 'мая%' or w like 'май%' or w like 'may%' then 5
        when w like 'июн%' or w like 'jun%' then 6
        when w like 'июл%' or w like 'jul%' then 7
        when w like 'авг%' or w like 'aug%' then 8
        when w like 'сен%' or w like 'sep%' then 9
        when w like 'окт%' or w like 'oct%' then 10
        when w like 'ноя%' or w like 'nov%' then 11
        when w like 'дек%' or w like 'dec%' then 12
    end;

create or replace temp macro parse_month_text(t) as
    case
        when regexp_matches(t, '^[0-9]{4}[-./][0-9]{1,2}$') then
            try(make_date(cast(t[1:4] as integer), cast(regexp_extract(t, '([0-9]{1,2})$', 1) as integer), 1))
        when regexp_matches(t, '^[0-9]{1,2}[-./][0-9]{4}$') then
            try(make_date(cast(regexp_extract(t, '([0-9]{4})$', 1) as integer), cast(regexp_extract(t, '^([0-9]{1,2})', 1) as integer), 1))
        when regexp_matches(t, '^[a-zа-я]+\.?\s+[0-9]{4}') then
            try(make_date(cast(regexp_extract(t, '([0-9]{4})', 1) as integer), month_number(t), 1))
        else cast(date_trunc('month', parse_ts_any(t)) as date)
    end;

create or replace temp macro parse_month(x) as parse_month_text(replace(lower(clean_text(x)), 'ё', 'е'));

-- Phones: digits only; a leading 8 or a missing country code becomes 7 (Russian numbers).
-- Must agree with clinic_bi/ingest/privacy.py:normalize_phone (a test checks both).
create or replace temp macro phone_digits(x) as regexp_replace(cast(x as varchar), '[^0-9]', '', 'g');

create or replace temp macro phone_norm(x) as
    case
        when length(phone_digits(x)) = 11 and phone_digits(x)[1] = '8' then '7' || phone_digits(x)[2:]
        when length(phone_digits(x)) = 10 then '7' || phone_digits(x)
        when length(phone_digits(x)) >= 10 then phone_digits(x)
    end;

create or replace temp macro phone_hash(x, salt) as
    case when phone_norm(x) is not null then sha256(salt || phone_norm(x)) end;

-- A patient key where the export has no card number: a salted hash of the name with the phone
-- (or birth date), so the same person gets the same key in every file and no name is kept.
create or replace temp macro derived_patient_id(name, phone, birth, salt) as
    case when norm_word(name) is not null then
        'h:' || sha256(salt || '|' || norm_word(name) || '|' || coalesce(phone_norm(phone), cast(birth as varchar), ''))[1:16]
    end;

-- The patient's key: the card number, else the derived key (the name may come whole or in parts).
create or replace temp macro patient_key(id, name, last_name, first_name, middle_name, phone, birth, salt) as
    coalesce(
        clean_text(id),
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
-- that is unreadable is a warning (the row loads with the value left empty).
create or replace temp macro required_issue(col, raw, parsed, what) as
    case
        when clean_text(raw) is null then
            {'column_name': col, 'value': null::varchar, 'reason': 'пустое значение (обязательное поле)', 'severity': 'rejected'}
        when parsed is null then
            {'column_name': col, 'value': left(cast(raw as varchar), 200), 'reason': 'не читается как ' || what, 'severity': 'rejected'}
    end;

-- A required value that must be one of the profile's words (appointments.status): empty, or a
-- word the value map does not know (`mapped` is null), rejects the row; `unknown` says why.
create or replace temp macro required_word_issue(col, word, mapped, unknown) as
    case
        when word is null then
            {'column_name': col, 'value': null::varchar, 'reason': 'пустое значение (обязательное поле)', 'severity': 'rejected'}
        when mapped is null then
            {'column_name': col, 'value': word, 'reason': unknown, 'severity': 'rejected'}
    end;

create or replace temp macro optional_issue(col, raw, parsed, what) as
    case when clean_text(raw) is not null and parsed is null then
        {'column_name': col, 'value': left(cast(raw as varchar), 200), 'reason': 'не читается как ' || what || '; оставлено пустым', 'severity': 'warning'}
    end;

-- A date after today in a record of something that already happened (a service, a lead, a
-- contract, a review, spend) is a typo or a month/day mix-up: the row is rejected. Schedules
-- may look ahead and are not checked.
create or replace temp macro future_issue(col, raw, d, today) as
    case when cast(d as date) > today then
        {'column_name': col, 'value': left(cast(raw as varchar), 200),
         'reason': 'дата в будущем (позже ' || strftime(today, '%d.%m.%Y') || '): проверьте год и порядок дня и месяца',
         'severity': 'rejected'}
    end;

-- Rows that are not data: blank rows, and total rows ("Итого", "Всего") of MIS reports,
-- recognised by their first filled cell (`_first_cells`). They are counted as skipped, not loaded or rejected.
create or replace temp macro is_total_text(first_cell) as
    trim(coalesce(first_cell, '')) = ''
    or regexp_matches(lower(first_cell), '^\s*(итого|всего|total|итог)([^а-яa-z0-9]|$)');
