-- Parse a staged ad-spend export into the store's types.
-- Grain: one row per data row. Parameters: $date_format, $today. Reads `staged`.
-- DATA.md "marketing_spend": a row carries a day (`date`) or a
-- month (`month`: "2025-03", "03.2025", "март 2025"); a monthly row is dated on the 1st.
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
        coalesce(date, month) as date_raw,
    from staged
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('amount', amount_raw, amount, 'сумма'),
            required_issue('channel', channel_raw, channel, 'канал'),
            required_issue('date', date_raw, coalesce(day, month_start), 'дата или месяц'),
            future_issue('date', date_raw, coalesce(day, month_start), $today),
        ], lambda x: x is not null) as _issues,
        coalesce(day, month_start) as date,
        channel,
        amount,
        day is null as is_monthly,
        md5(concat_ws(chr(31), key_part(coalesce(day, month_start)), key_part(channel),
            key_part(amount), key_part(day is null))) as _row_hash,
    from typed
)

select * from final
