-- Parse a staged pay-rules file (doctor, department, basis, rate, valid_from, role) into the
-- store's types. Grain: one row per data row. Parameters: $date_format. Reads `staged`.
-- DATA.md "pay_rules":
-- * basis, in Russian or English: 'revenue' (% от выручки), 'after_materials' (% после
--   материалов, за вычетом материалов), 'hour' (в час, почасовая), 'month' (оклад, в месяц);
--   'none' (не действует, нет ставки: the identity has no rule of its own from valid_from on,
--   so the next level applies; the rate cell is not read and stored as 0);
--   a word no list knows rejects the row.
-- * rate: for a % basis a fraction: "30 %", "30%" and "30" are 0.30, "0,3" is 0.30 — a cell
--   with a % sign is a percentage, and a number above 1 without one is read as a percentage
--   too (nobody is paid 30 times the revenue); a bare "1" could be 100 % or 1 % and rejects
--   the row (pay_rate_ambiguous: write "100 %" or "1 %"); a percentage above 100 % rejects it. For 'hour' and 'month' the rate is rubles
--   ("1 500 ₽"); a % sign there is unreadable. A rate below zero rejects the row.
-- * role: врач / доктор / doctor (the default when empty) or ассистент / assistant (an
--   assistant's pay on the same lines); another word rejects the row.
-- * an empty doctor is every doctor without a rule of their own, an empty department every
--   department; valid_from, when given, is the first day of the rule (a filled cell that is not
--   a date rejects the row).
-- A rule is keyed by its identity, rule_id = 'doctor|department|role|YYYY-MM-DD' (empty parts
-- where not given), so the last row of an identity in a file wins and a later file replaces it.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        clean_name(doctor) as doctor,
        clean_text(department) as department,
        case
            when norm_word(basis) in ('% от выручки', 'от выручки', 'процент от выручки',
                                      '% выручки', 'процент выручки', 'выручка', 'от оборота',
                                      '% от оборота', 'revenue', '% of revenue', 'of revenue',
                                      'percent of revenue')
                then 'revenue'
            when norm_word(basis) in ('% после материалов', 'после материалов',
                                      'процент после материалов', 'за вычетом материалов',
                                      '% за вычетом материалов', 'процент за вычетом материалов',
                                      'от выручки за вычетом материалов',
                                      '% от выручки за вычетом материалов',
                                      '% от выручки после материалов', 'минус материалы',
                                      'after materials', 'after_materials', '% after materials',
                                      'net of materials', 'revenue after materials')
                then 'after_materials'
            when norm_word(basis) in ('в час', 'почасовая', 'почасово', 'почасовая ставка',
                                      'за час', 'час', 'руб в час', '₽ в час', 'per hour',
                                      'hourly', 'hour')
                then 'hour'
            when norm_word(basis) in ('оклад', 'в месяц', 'за месяц', 'месяц', 'зарплата',
                                      'фиксированный оклад', 'фикс', 'salary', 'monthly',
                                      'per month', 'month')
                then 'month'
            when norm_word(basis) in ('не действует', 'нет ставки', 'без ставки', 'отменена',
                                      'отменено', 'снята', 'none', 'no rule', 'withdrawn')
                then 'none'
        end as basis,
        case
            when clean_text(role) is null then 'doctor'
            when norm_word(role) in ('врач', 'доктор', 'doctor', 'специалист', 'dentist')
                then 'doctor'
            when norm_word(role) in ('ассистент', 'ассистент врача', 'ассистент стоматолога',
                                     'помощник', 'помощник врача', 'assistant', 'dental assistant')
                then 'assistant'
        end as role,
        contains(coalesce(cast(rate as varchar), ''), '%') as rate_pct_sign,
        parse_num(replace(cast(rate as varchar), '%', '')) as rate_num,
        parse_date(valid_from, $date_format) as valid_from,
        basis as basis_raw,
        rate as rate_raw,
        role as role_raw,
        valid_from as valid_from_raw,
    from staged
),

rated as (
    select
        *,
        basis in ('revenue', 'after_materials') as is_pct_basis,
        -- what the rate cell reads as: no number, or a % sign on a ruble basis, is unreadable
        case when not (basis in ('hour', 'month') and rate_pct_sign) then rate_num end
            as rate_read,
    from typed
),

valued as (
    select
        *,
        case
            when is_pct_basis and (rate_pct_sign or rate_read > 1) then rate_read / 100
            when is_pct_basis then rate_read
            when basis in ('hour', 'month') then rate_read
            when basis = 'none' then 0
        end as rate,
    from rated
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('basis', basis_raw, basis, 'pay_basis'),
            case when basis is distinct from 'none' then
                required_issue('rate', rate_raw, rate_read, unreadable_what(rate_raw, 'pay_rate'))
            end,
            case
                when rate_read < 0 then
                    {'column_name': 'rate', 'value': left(cast(rate_raw as varchar), 200),
                     'reason': 'pay_rate_negative', 'severity': 'rejected'}
                when is_pct_basis and not rate_pct_sign and rate_read = 1 then
                    {'column_name': 'rate', 'value': left(cast(rate_raw as varchar), 200),
                     'reason': 'pay_rate_ambiguous', 'severity': 'rejected'}
                when is_pct_basis and rate > 1 then
                    {'column_name': 'rate', 'value': left(cast(rate_raw as varchar), 200),
                     'reason': 'pay_rate_over_100', 'severity': 'rejected'}
            end,
            case when role is null then
                {'column_name': 'role', 'value': left(cast(role_raw as varchar), 200),
                 'reason': 'unreadable;what=pay_role', 'severity': 'rejected'}
            end,
            case when valid_from is null and is_filled(valid_from_raw) then
                {'column_name': 'valid_from', 'value': left(cast(valid_from_raw as varchar), 200),
                 'reason': 'unreadable;what=date', 'severity': 'rejected'}
            end,
        ], lambda x: x is not null) as _issues,
        cast(null as varchar[]) as _notes,
        doctor,
        department,
        basis,
        cast(rate as decimal(18, 4)) as rate,
        valid_from,
        role,
        concat_ws('|', coalesce(doctor, ''), coalesce(department, ''), coalesce(role, ''),
                  coalesce(strftime(valid_from, '%Y-%m-%d'), '')) as rule_id,
        concat_ws('|', coalesce(doctor, ''), coalesce(department, ''), coalesce(role, ''),
                  coalesce(strftime(valid_from, '%Y-%m-%d'), '')) as _row_hash,
    from valued
)

select * from final
