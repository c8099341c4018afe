-- Parse a staged schedule export (bookings) into the store's types.
-- Grain: one row per data row. Parameters: $salt, $date_format. Reads `staged`, `value_map`.
-- DATA.md "appointments": status is required (an empty one rejects the row) and maps to attended
-- / no_show / cancelled / planned; a word no list knows loads with status null and the word kept
-- (status_raw): the file's notes name it, the Данные page maps it, and the models apply that
-- choice without a new upload (DATA.md "Words the clinic maps").
with typed as (
    select
        s._row,
        is_total_text(s._first_cells) as _is_total,
        read_id(s.appointment_id) as appointment_id,
        s.patient_id as patient_id_raw,
        parse_ts(s.scheduled_at, $date_format) as scheduled_at,
        vm.canonical as status,
        clean_text(s.status) as status_raw,
        patient_key(s.patient_id, s._name, s._last_name, s._first_name, s._middle_name,
                    s._phone, null, $salt) as patient_id,
        clean_text(s.patient_id) is null as card_empty,
        clean_name(s.doctor) as doctor,
        clean_text(s.department) as department,
        parse_ts(s.created_at, $date_format) as created_at,
        clean_text(s.lead_id) as lead_id,
        parse_ts(s.started_at, $date_format) as started_at,
        parse_num(s.wait_min) as wait_min,
        clean_text(s.branch) as branch,
        s.appointment_id as appointment_id_raw,
        s.scheduled_at as scheduled_at_raw,
        s.created_at as created_at_raw,
        s.started_at as started_at_raw,
        s.wait_min as wait_min_raw,
        s._phone as phone_raw,
    from staged as s
    left join value_map as vm
        on vm.field = 'status' and vm.word = norm_word(s.status)
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('appointment_id', appointment_id_raw, appointment_id,
                           unreadable_what(appointment_id_raw, 'appointment_no')),
            excel_id_issue('patient_id', patient_id_raw, 'card'),
            required_issue('scheduled_at', scheduled_at_raw, scheduled_at, 'datetime'),
            -- an empty status rejects the row; a word no list knows loads with status null and
            -- status_raw kept, to be mapped on the Данные page (DATA.md "Words the clinic maps")
            required_issue('status', status_raw, status_raw, 'status'),
            optional_issue('created_at', created_at_raw, created_at, 'date'),
            optional_issue('started_at', started_at_raw, started_at, 'datetime'),
            optional_number_issue('wait_min', wait_min_raw, wait_min, 'minutes'),
            case when card_empty then
                cell_issue('phone', phone_raw, phone_ok(phone_raw), 'phone',
                           'no_card_phone', 'warning')
            end,
        ], lambda x: x is not null) as _issues,
        -- what the file's notes count (queries/ingest/notes.sql words them)
        case when (wait_min is null and wait_min_raw is not null)
                  or (card_empty and patient_id is not null) then [
            case when wait_min is null and wait_min_raw is not null then
                case when is_dash(wait_min_raw) then 'dash_wait' end
            end,
            case when card_empty and patient_id is not null then 'card_name' end,
        ] end as _notes,
        appointment_id,
        scheduled_at,
        status,
        status_raw,
        patient_id,
        doctor,
        department,
        created_at,
        lead_id,
        started_at,
        wait_min,
        branch,
        appointment_id as _row_hash,
    from typed
)

select * from final
