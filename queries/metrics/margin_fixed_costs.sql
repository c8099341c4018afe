-- Metric margin_fixed_costs: the fixed costs that fall in period P, each month's amount in
-- proportion to its days inside P.
-- Grain: one row per fixed_costs row of a month that P touches (department null: the whole
-- clinic, unallocated), by department (nulls last), item.
-- Parameters: $date_from, $date_to (period P); $department, $branch (a list of names, or null for
-- all): a list keeps the rows of those names and the rows without one (the whole clinic / every
-- branch), which the caller shows apart or allocates.
-- METRICS.md "Margins" (operating margin).
with

in_period as (
    select
        month,
        item,
        department,
        branch,
        amount,
        greatest(month, cast($date_from as date)) as first_day,
        least(last_day(month), cast($date_to as date)) as last_day_in,
        day(last_day(month)) as month_days,
    from fct_fixed_costs
    where month <= $date_to and last_day(month) >= $date_from
        and ($department is null or department is null or list_contains($department, department))
        and ($branch is null or branch is null or list_contains($branch, branch))
),

final as (
    select
        month,
        item,
        department,
        branch,
        amount,
        date_diff('day', first_day, last_day_in) + 1 as days_in_period,
        month_days,
        amount * (date_diff('day', first_day, last_day_in) + 1) / month_days as amount_in_period,
    from in_period
    order by month, department nulls last, item
)

select * from final
