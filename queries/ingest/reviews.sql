-- Parse a staged reviews export into the store's types.
-- Grain: one row per data row. Parameters: $salt, $date_format, $today. Reads `staged`.
-- DATA.md "reviews". The rating scale is the file's: 10 when any rating exceeds 5, else 5
-- (METRICS.md: negative is ≤ 3 of 5, ≤ 6 of 10). A rating outside 0–10 is unreadable.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        case when parse_num(rating) between 0 and 10 then cast(parse_num(rating) as decimal(5, 2)) end
            as rating,
        parse_date(date, $date_format) as date,
        clean_name(doctor) as doctor,
        patient_key(patient_id, _name, _last_name, _first_name, _middle_name,
                    null, null, $salt) as patient_id,
        clean_text(patient_id) is null as card_empty,
        clean_text(source) as source,
        clean_text(text) as text,
        rating as rating_raw,
        patient_id as patient_id_raw,
        date as date_raw,
    from staged
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('rating', rating_raw, rating, 'rating'),
            required_issue('date', date_raw, date, 'date'),
            future_issue('date', date_raw, date, $today),
            excel_id_issue('patient_id', patient_id_raw, 'card'),
        ], lambda x: x is not null) as _issues,
        -- what the file's notes count (queries/ingest/notes.sql words them)
        case when card_empty and patient_id is not null then ['card_name'] end as _notes,
        date,
        rating,
        cast(case when max(rating) over () > 5 then 10 else 5 end as smallint) as rating_scale,
        doctor,
        patient_id,
        source,
        text,
        md5(concat_ws(chr(31), key_part(date), key_part(rating), key_part(doctor),
            key_part(patient_id), key_part(source), key_part(text))) as _row_hash,
    from typed
)

select * from final
