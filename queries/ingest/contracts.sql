-- Parse a staged contracts / treatment plans export into the store's types.
-- Grain: one row per data row. Parameters: $salt, $date_format, $today. Reads `staged`.
-- DATA.md "contracts": a dash alone in the prepaid cell is 0 (counted in `_notes`).
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        read_id(contract_id) as contract_id,
        parse_date(signed_at, $date_format) as signed_at,
        parse_money(amount) as amount,
        patient_key(patient_id, _name, _last_name, _first_name, _middle_name,
                    null, null, $salt) as patient_id,
        clean_text(patient_id) is null as card_empty,
        clean_text(lead_id) as lead_id,
        clean_name(doctor) as doctor,
        clean_text(department) as department,
        money_or_dash(prepaid, parse_money(prepaid)) as prepaid,
        parse_money(prepaid) as prepaid_given,
        contract_id as contract_id_raw,
        patient_id as patient_id_raw,
        signed_at as signed_at_raw,
        amount as amount_raw,
        prepaid as prepaid_raw,
    from staged
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('contract_id', contract_id_raw, contract_id,
                           unreadable_what(contract_id_raw, 'contract_no')),
            excel_id_issue('patient_id', patient_id_raw, 'card'),
            required_issue('signed_at', signed_at_raw, signed_at, 'date'),
            future_issue('signed_at', signed_at_raw, signed_at, $today),
            required_issue('amount', amount_raw, amount, unreadable_what(amount_raw, 'money')),
            optional_issue('prepaid', prepaid_raw, prepaid, unreadable_what(prepaid_raw, 'money')),
        ], lambda x: x is not null) as _issues,
        -- what the file's notes count (queries/ingest/notes.sql words them)
        case when (prepaid_given is null and prepaid is not null)
                  or (card_empty and patient_id is not null) then [
            case when prepaid_given is null and prepaid is not null then 'dash_prepaid' end,
            case when card_empty and patient_id is not null then 'card_name' end,
        ] end as _notes,
        contract_id,
        signed_at,
        amount,
        patient_id,
        lead_id,
        doctor,
        department,
        prepaid,
        contract_id as _row_hash,
    from typed
)

select * from final
