-- Model store_coverage: how many rows the canonical tables that no other model copies hold per
-- calendar month (contracts, patients, goals and the costs: service_costs, pay_rules, fixed_costs); metrics/rows_by_table_and_month.sql adds the others
-- from their models when the data-quality panel asks, so the build does not count millions of rows for it.
-- Grain: one row per (table_name, month) that has rows, by each table's main date
-- (contracts.signed_at, patients.first_visit_date, goals.month, service_costs.valid_from,
-- pay_rules.valid_from, fixed_costs.month). Rows without that date are not counted.
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (the period a figure can speak for); the data-quality panel shows
-- the months an export is missing.
create or replace temp table store_coverage as
with

dated_rows as (
    select 'contracts' as table_name, signed_at as row_date from contracts
    union all
    select 'patients', first_visit_date from patients
    union all
    select 'goals', month from goals
    union all
    select 'service_costs', valid_from from service_costs
    union all
    select 'pay_rules', valid_from from pay_rules
    union all
    select 'fixed_costs', month from fixed_costs
),

final as (
    select
        table_name,
        cast(date_trunc('month', row_date) as date) as month,
        count(*) as rows,
    from dated_rows
    where row_date is not null
    group by table_name, month
)

select * from final
