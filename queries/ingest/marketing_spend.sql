-- Parse a staged ad-spend export into the store's types.
-- Grain: one row per data row. Parameters: $date_format, $today. Reads `staged`.
-- DATA.md "marketing_spend": a row carries a day (`date`) or a
-- month (`month`: "2025-03", "03.2025", "март 2025"); a monthly row is dated on the 1st. A day
-- cell that is filled must be readable: the month is used only where the day cell is empty.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        parse_money(amount) as amount,
        clean_name(channel) as channel,
        parse_date(date, $date_format) as day,
        parse_month(month) as month_start,
        amount as amount_raw,
        channel as channel_raw,
        date as day_raw,
        month as month_raw,
    from staged
),

dated as (
    select
        *,
        -- the day when its cell is filled (an unreadable day rejects the row, it does not fall
        -- back on the month); the month only where the day cell is empty
        case
            when day is not null then day
            when day_raw is null or clean_text(day_raw) is null then month_start
        end as date,
    from typed
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('amount', amount_raw, amount, unreadable_what(amount_raw, 'money')),
            required_issue('channel', channel_raw, channel, 'channel'),
            case when clean_text(day_raw) is not null then
                required_issue('date', day_raw, day, 'date')
            else required_issue('date', month_raw, month_start, 'date_or_month') end,
            future_issue('date', coalesce(day_raw, month_raw), date, $today),
            -- both given: the day is used; a month that cannot be read or disagrees is said
            case when day is not null then
                optional_issue('month', month_raw, month_start, 'month')
            end,
            case when day is not null and month_start is not null
                      and month_start <> date_trunc('month', day) then
                {'column_name': 'month', 'value': left(month_raw, 200),
                 'reason': 'month_mismatch;day=' || strftime(day, '%Y-%m-%d'),
                 'severity': 'warning'}
            end,
        ], lambda x: x is not null) as _issues,
        cast(null as varchar[]) as _notes,
        date,
        channel,
        amount,
        day is null as is_monthly,
        md5(concat_ws(chr(31), key_part(date), key_part(channel),
            key_part(amount), key_part(day is null))) as _row_hash,
    from dated
)

select * from final
