-- Parse a staged leads / deals export (Bitrix24 and the like) into the store's types.
-- Grain: one row per data row. Parameters: $salt, $date_format, $today. Reads `staged`, `value_map`.
-- DATA.md "leads": the CRM stage word maps to new/booked/visited/contracted/lost through the
-- value map (defaults + the profile's own words); an unknown word keeps stage NULL and is
-- reported, the row still loads. The phone is kept only as a salted hash; one that cannot be
-- read (fewer than 10 digits) is a warning. A dash alone in the amount cell leaves it empty.
with typed as (
    select
        s._row,
        is_total_text(s._first_cells) as _is_total,
        read_id(s.lead_id) as lead_id,
        parse_ts(s.created_at, $date_format) as created_at,
        clean_name(s.channel) as channel,
        clean_name(s.operator) as operator,
        vm.canonical as stage,
        clean_text(s.stage) as stage_raw,
        read_id(s.patient_id) as patient_id,
        s.patient_id as patient_id_raw,
        phone_hash(s.phone, $salt) as phone_hash,
        parse_money(s.amount) as amount,
        s.lead_id as lead_id_raw,
        s.created_at as created_at_raw,
        s.amount as amount_raw,
        s.phone as phone_raw,
    from staged as s
    left join value_map as vm
        on vm.field = 'stage' and vm.word = norm_word(s.stage)
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('lead_id', lead_id_raw, lead_id, unreadable_what(lead_id_raw, 'lead_no')),
            excel_id_issue('patient_id', patient_id_raw, 'card'),
            required_issue('created_at', created_at_raw, created_at, 'date'),
            future_issue('created_at', created_at_raw, created_at, $today),
            optional_number_issue('amount', amount_raw, amount, 'money'),
            optional_issue('phone', phone_raw, phone_hash,
                           unreadable_what(phone_raw, 'phone')),
        ], lambda x: x is not null) as _issues,
        -- what the file's notes count (queries/ingest/notes.sql words them)
        case when amount is null and amount_raw is not null then
            case when is_dash(amount_raw) then ['dash_amount'] end
        end as _notes,
        lead_id,
        created_at,
        channel,
        operator,
        stage,
        stage_raw,
        patient_id,
        phone_hash,
        amount,
        lead_id as _row_hash,
    from typed
)

select * from final
