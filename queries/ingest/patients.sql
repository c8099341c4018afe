-- Parse a staged patient list into the store's types.
-- Grain: one row per data row. Parameters: $salt, $date_format, $today. Reads `staged`.
-- DATA.md "patients": the card number is the key; names are used only to derive a key where the
-- list has no card number; the phone is kept only as a salted hash (links leads to patients).
-- A birth date after today (a two-digit year read as 20xx) is left empty with a warning.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        patient_key(patient_id, _name, _last_name, _first_name, _middle_name,
                    phone, parse_date(birth_date, $date_format), $salt) as patient_id,
        clean_text(patient_id) is null as card_empty,
        parse_date(first_visit_date, $date_format) as first_visit_date,
        clean_name(channel) as channel,
        parse_date(birth_date, $date_format) as birth_date_read,
        gender_code(gender) as gender,
        parse_ts(created_at, $date_format) as created_at,
        phone_hash(phone, $salt) as phone_hash,
        -- what the card-number issue shows: the card number, never the name it fell back on
        coalesce(patient_id, case when coalesce(_name, _last_name, _first_name, _middle_name)
                                   is not null then '(ФИО)' end) as patient_raw,
        first_visit_date as first_visit_date_raw,
        birth_date as birth_date_raw,
        gender as gender_raw,
        created_at as created_at_raw,
        phone as phone_raw,
    from staged
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('patient_id', patient_raw, patient_id,
                           unreadable_what(patient_raw, 'card')),
            optional_issue('first_visit_date', first_visit_date_raw, first_visit_date, 'date'),
            optional_issue('birth_date', birth_date_raw, birth_date_read, 'date'),
            case when birth_date_read > $today then
                {'column_name': 'birth_date', 'value': left(birth_date_raw, 200),
                 'reason': 'birth_future',
                 'severity': 'warning'}
            end,
            optional_issue('gender', gender_raw, gender, 'gender'),
            optional_issue('created_at', created_at_raw, created_at, 'date'),
            optional_issue('phone', phone_raw, phone_hash,
                           unreadable_what(phone_raw, 'phone')),
        ], lambda x: x is not null) as _issues,
        -- what the file's notes count (queries/ingest/notes.sql words them)
        case when card_empty and patient_id is not null then ['card_name'] end as _notes,
        patient_id,
        first_visit_date,
        channel,
        case when birth_date_read <= $today then birth_date_read end as birth_date,
        gender,
        created_at,
        phone_hash,
        patient_id as _row_hash,
    from typed
)

select * from final
