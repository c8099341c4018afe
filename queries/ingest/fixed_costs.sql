-- Parse a staged fixed-costs file (month, item, amount, department, branch) into the store's
-- types. Grain: one row per data row. No parameters. Reads `staged`.
-- DATA.md "fixed_costs": a month reads as any month cell does ("2026-12", "12.2026", "декабрь
-- 2026", or a date: its month); the item is the cost's name as written ("Аренда",
-- "Администраторы"); the amount is money of 0 or more; an empty department is the whole clinic,
-- an empty branch every branch. A cost is keyed by its identity, fixed_cost_id =
-- 'YYYY-MM|item|department|branch', so the last row of an identity in a file wins and a later
-- file replaces it (a corrected month), and removing that batch puts the earlier amount back.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        parse_month(month) as month,
        clean_text(item) as item,
        parse_money(amount) as amount,
        clean_text(department) as department,
        clean_text(branch) as branch,
        month as month_raw,
        item as item_raw,
        amount as amount_raw,
    from staged
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('month', month_raw, month, 'month'),
            required_issue('item', item_raw, item, 'text'),
            required_issue('amount', amount_raw, amount, unreadable_what(amount_raw, 'money')),
            case when amount < 0 then
                {'column_name': 'amount', 'value': left(cast(amount_raw as varchar), 200),
                 'reason': 'fixed_cost_negative', 'severity': 'rejected'}
            end,
        ], lambda x: x is not null) as _issues,
        cast(null as varchar[]) as _notes,
        month,
        item,
        amount,
        department,
        branch,
        concat_ws('|', strftime(month, '%Y-%m'), coalesce(item, ''), coalesce(department, ''),
                  coalesce(branch, '')) as fixed_cost_id,
        concat_ws('|', strftime(month, '%Y-%m'), coalesce(item, ''), coalesce(department, ''),
                  coalesce(branch, '')) as _row_hash,
    from typed
)

select * from final
