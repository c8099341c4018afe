-- Parse a staged services export (one row per service line) into the store's types.
-- Grain: one row per data row of the file. Parameters: $salt, $date_format, $today.
-- Reads `staged` (every column of TABLE_SPECS['services'] as text, absent ones NULL, plus _row
-- and _first_cells). DATA.md "services": amount = price × quantity − discount only where the
-- amount cell is empty (or the export has none); a filled amount cell that cannot be read rejects
-- the row, and so does an unreadable price, quantity or discount the amount would be computed
-- from. `_notes`: keys of the rules that read a cell other than as written (a computed
-- amount, a dash read as 0, a key from the name); queries/ingest/notes.sql counts and words them.
with dated_birth as (
    -- read once: the patient key and its issue both need it (each date parser is large to plan)
    select *, parse_date(_birth_date, $date_format) as _birth_day from staged
),

typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        parse_date(visit_date, $date_format) as visit_date,
        patient_key(patient_id, _name, _last_name, _first_name, _middle_name,
                    _phone, _birth_day, $salt) as patient_id,
        -- no card number: the key above came from the name (the same clean_text, computed once)
        clean_text(patient_id) is null as card_empty,
        _birth_day as birth_date,
        clean_name(doctor) as doctor,
        clean_text(service) as service,
        parse_money(amount) as amount_given,
        clean_text(department) as department,
        clean_text(visit_id) as visit_id,
        clean_text(service_code) as service_code,
        parse_num(quantity) as quantity_given,
        parse_money(price) as price,
        parse_money(discount) as discount_given,
        parse_money(paid) as paid_given,
        clean_text(branch) as branch,
        parse_num(duration_min) as duration_min,
        visit_date as visit_date_raw,
        -- what the card-number issue shows: the card number, never the name it fell back on
        coalesce(patient_id, case when coalesce(_name, _last_name, _first_name, _middle_name)
                                   is not null then '(ФИО)' end) as patient_raw,
        _phone as phone_raw,
        _birth_date as birth_date_raw,
        service as service_raw,
        amount as amount_raw,
        price as price_raw,
        quantity as quantity_raw,
        discount as discount_raw,
        paid as paid_raw,
        duration_min as duration_raw,
    from dated_birth
),

dashes_read as (
    select
        *,
        coalesce(quantity_given, 1) as quantity,
        -- a dash alone in the discount or paid cell is 0 (DATA.md "Reading cells")
        money_or_dash(discount_raw, discount_given) as discount,
        money_or_dash(paid_raw, paid_given) as paid,
    from typed
),

computed as (
    select
        *,
        -- computed only where the amount cell is empty: a filled cell that cannot be read is
        -- reported, never replaced (an unreadable quantity or discount rejects the row below)
        coalesce(
            amount_given,
            case when price is not null and (amount_raw is null or clean_text(amount_raw) is null) then
                cast(price * quantity - coalesce(discount, 0) as decimal(18, 2))
            end
        ) as amount,
    from dashes_read
),

checked as (
    select
        *,
        -- the issue list is built only for rows with a problem (cheap test first: this file
        -- runs on millions of lines, most of them clean). It is built inside a one-element
        -- lambda over the row's values: written out in the CASE, its `clean_text(<raw>)` calls
        -- were hoisted out of the CASE by DuckDB's common-subexpression pass and run on every row.
        case when visit_date is null or patient_id is null or service is null
                  or amount is null or visit_date > $today or (quantity_given < 0 and amount > 0)
                  or (quantity_given is null and quantity_raw is not null)
                  or (price is null and price_raw is not null)
                  or (discount is null and discount_raw is not null)
                  or (paid is null and paid_raw is not null)
                  or (duration_min is null and duration_raw is not null)
                  or (card_empty and (phone_raw is not null or birth_date_raw is not null))
        then list_transform([{
            'visit_date_raw': visit_date_raw,
            'visit_date': visit_date,
            'card_empty': card_empty,
            'patient_raw': patient_raw,
            'patient_id': patient_id,
            'phone_raw': phone_raw,
            'birth_date_raw': birth_date_raw,
            'birth_date': birth_date,
            'service_raw': service_raw,
            'service': service,
            'amount_raw': amount_raw,
            'amount_given': amount_given,
            'price_raw': price_raw,
            'price': price,
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
                required_issue('visit_date', r.visit_date_raw, r.visit_date, 'date'),
                future_issue('visit_date', r.visit_date_raw, r.visit_date, $today),
                required_issue('patient_id', r.patient_raw, r.patient_id,
                               unreadable_what(r.patient_raw, 'card')),
                required_issue('service', r.service_raw, r.service, 'service'),
                -- the amount: its own cell when filled; else it is computed from the price, so
                -- an unreadable price, quantity or discount rejects the row (never a guess)
                case when is_filled(r.amount_raw) or not coalesce(is_filled(r.price_raw), false) then
                    required_issue('amount', r.amount_raw, r.amount_given, unreadable_what(r.amount_raw, 'money'))
                end,
                case when r.amount_given is null then
                    cell_issue('price', r.price_raw, r.price, 'money',
                               'no_amount_price', 'rejected')
                else optional_number_issue('price', r.price_raw, r.price, 'money') end,
                case when r.amount_given is null then
                    cell_issue('quantity', r.quantity_raw, r.quantity_given, 'quantity',
                               'no_amount_quantity', 'rejected')
                else cell_issue('quantity', r.quantity_raw, r.quantity_given, 'quantity',
                                'taken_as_1', 'warning') end,
                case when r.amount_given is null then
                    cell_issue('discount', r.discount_raw, r.discount, 'money',
                               'no_amount_discount', 'rejected')
                else optional_issue('discount', r.discount_raw, r.discount, unreadable_what(r.discount_raw, 'money')) end,
                optional_issue('paid', r.paid_raw, r.paid, unreadable_what(r.paid_raw, 'money')),
                optional_number_issue('duration_min', r.duration_raw, r.duration_min, 'minutes'),
                -- no card number: the key is built from the name with the phone or birth date;
                -- one of them that cannot be read is left out of it, and that is said
                case when r.card_empty then
                    cell_issue('phone', r.phone_raw, phone_ok(r.phone_raw), 'phone',
                               'no_card_phone', 'warning')
                end,
                case when r.card_empty then
                    cell_issue('birth_date', r.birth_date_raw, r.birth_date, 'date',
                               'no_card_birth', 'warning')
                end,
                case when r.quantity_given < 0 and r.amount > 0 then
                    {'column_name': 'quantity', 'value': r.quantity_raw,
                     'reason': 'negative_qty',
                     'severity': 'warning'}
                end,
            ], lambda x: x is not null))[1]
        else [] end as _issues,
        -- what the file's notes count: cells read by a rule rather than as written. One slot per
        -- note, NULL where it does not apply (the loader counts the filled ones); a plain list,
        -- not a lambda: every row of a file without an amount or a card column builds it.
        case when amount_given is null
                  or (discount_given is null and discount is not null)
                  or (paid_given is null and paid is not null)
                  or (price is null and price_raw is not null)
                  or (duration_min is null and duration_raw is not null)
                  or card_empty
        then [
            case when amount_given is null and amount is not null then
                'amount_calc'
            end,
            case when discount_given is null and discount is not null then
                'dash_disc'
            end,
            case when paid_given is null and paid is not null then
                'dash_paid'
            end,
            case when price is null and price_raw is not null then
                case when is_dash(price_raw) then
                    'dash_price'
                end
            end,
            case when duration_min is null and duration_raw is not null then
                case when is_dash(duration_raw) then
                    'dash_dur'
                end
            end,
            case when card_empty and patient_id is not null then 'card_name' end,
        ] end as _notes,
    from computed
),

final as (
    select
        _row,
        _is_total,
        _issues,
        _notes,
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
        -- identity: the mapped row without `paid` (a line's payment moves between exports), the
        -- discount as the cell gave it (a dash is NULL here, as before dashes were read as 0)
        md5(concat_ws(chr(31), key_part(visit_date), key_part(patient_id), key_part(doctor),
            key_part(service), key_part(amount), key_part(department), key_part(visit_id),
            key_part(service_code), key_part(quantity), key_part(price), key_part(discount_given),
            key_part(branch), key_part(duration_min))) as _row_hash,
    from checked
)

select * from final
