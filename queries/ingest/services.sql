-- Parse a staged services export (one row per service line) into the store's types.
-- Grain: one row per data row of the file. Parameters: $salt, $date_format, $today.
-- Reads `staged` (every column of TABLE_SPECS['services'] as text, absent ones NULL, plus _row
-- and _first_cells). DATA.md "services"; amount = price × quantity − discount when absent.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        parse_date(visit_date, $date_format) as visit_date,
        patient_key(patient_id, _name, _last_name, _first_name, _middle_name,
                    _phone, parse_date(_birth_date, $date_format), $salt) as patient_id,
        clean_name(doctor) as doctor,
        clean_text(service) as service,
        parse_money(amount) as amount_given,
        clean_text(department) as department,
        clean_text(visit_id) as visit_id,
        clean_text(service_code) as service_code,
        parse_num(quantity) as quantity_given,
        parse_money(price) as price,
        parse_money(discount) as discount,
        parse_money(paid) as paid,
        clean_text(branch) as branch,
        parse_num(duration_min) as duration_min,
        visit_date as visit_date_raw,
        -- what the card-number issue shows: the card number, never the name it fell back on
        coalesce(patient_id, case when coalesce(_name, _last_name, _first_name, _middle_name)
                                   is not null then '(ФИО)' end) as patient_raw,
        doctor as doctor_raw,
        service as service_raw,
        amount as amount_raw,
        price as price_raw,
        quantity as quantity_raw,
        discount as discount_raw,
        paid as paid_raw,
        duration_min as duration_raw,
    from staged
),

computed as (
    select
        *,
        coalesce(quantity_given, 1) as quantity,
        coalesce(
            amount_given,
            cast(price * coalesce(quantity_given, 1) - coalesce(discount, 0) as decimal(18, 2))
        ) as amount,
    from typed
),

checked as (
    select
        *,
        -- the issue list is built only for rows with a problem (cheap test first: this file
        -- runs on millions of lines, most of them clean). It is built inside a one-element
        -- lambda over the row's values: written out in the CASE, its `clean_text(<raw>)` calls
        -- were hoisted out of the CASE by DuckDB's common-subexpression pass and run on every row.
        case when visit_date is null or patient_id is null or doctor is null or service is null
                  or amount is null or visit_date > $today or (quantity_given < 0 and amount > 0)
                  or (quantity_given is null and quantity_raw is not null)
                  or (discount is null and discount_raw is not null)
                  or (paid is null and paid_raw is not null)
                  or (duration_min is null and duration_raw is not null)
        then list_transform([{
            'visit_date_raw': visit_date_raw,
            'visit_date': visit_date,
            'patient_raw': patient_raw,
            'patient_id': patient_id,
            'doctor_raw': doctor_raw,
            'doctor': doctor,
            'service_raw': service_raw,
            'service': service,
            'amount_raw': amount_raw,
            'price_raw': price_raw,
            'amount': amount,
            'quantity_raw': quantity_raw,
            'quantity_given': quantity_given,
            'discount_raw': discount_raw,
            'discount': discount,
            'paid_raw': paid_raw,
            'paid': paid,
            'duration_raw': duration_raw,
            'duration_min': duration_min,
        }], lambda r: list_filter([
                required_issue('visit_date', r.visit_date_raw, r.visit_date, 'дата'),
                future_issue('visit_date', r.visit_date_raw, r.visit_date, $today),
                required_issue('patient_id', r.patient_raw, r.patient_id, 'номер карты пациента'),
                required_issue('doctor', r.doctor_raw, r.doctor, 'врач'),
                required_issue('service', r.service_raw, r.service, 'услуга'),
                required_issue('amount', coalesce(r.amount_raw, r.price_raw), r.amount, 'сумма'),
                optional_issue('quantity', r.quantity_raw, r.quantity_given, 'количество'),
                optional_issue('discount', r.discount_raw, r.discount, 'сумма'),
                optional_issue('paid', r.paid_raw, r.paid, 'сумма'),
                optional_issue('duration_min', r.duration_raw, r.duration_min, 'число минут'),
                case when r.quantity_given < 0 and r.amount > 0 then
                    {'column_name': 'quantity', 'value': r.quantity_raw,
                     'reason': 'отрицательное количество при положительной сумме: строка загружена как есть, проверьте её в МИС',
                     'severity': 'warning'}
                end,
            ], lambda x: x is not null))[1]
        else [] end as _issues,
    from computed
),

final as (
    select
        _row,
        _is_total,
        _issues,
        visit_date,
        patient_id,
        doctor,
        service,
        amount,
        department,
        visit_id,
        service_code,
        quantity,
        price,
        discount,
        paid,
        branch,
        duration_min,
        -- identity: the mapped row without `paid` (a line's payment moves between exports)
        md5(concat_ws(chr(31), key_part(visit_date), key_part(patient_id), key_part(doctor),
            key_part(service), key_part(amount), key_part(department), key_part(visit_id),
            key_part(service_code), key_part(quantity), key_part(price), key_part(discount),
            key_part(branch), key_part(duration_min))) as _row_hash,
    from checked
)

select * from final
