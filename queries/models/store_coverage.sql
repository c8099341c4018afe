-- Model store_coverage: how many rows each canonical table holds per calendar month.
-- Grain: one row per (table_name, month) that has rows, by each table's main date (the date the
-- loader reports a file's period by: services.visit_date, leads.created_at,
-- appointments.scheduled_at, contracts.signed_at, marketing_spend.date, reviews.date,
-- patients.first_visit_date). Rows without that date are not counted.
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (the period a figure can speak for); the data-quality panel shows
-- the months an export is missing.
create or replace temp table store_coverage as
with

dated_rows as (
    select 'services' as table_name, cast(visit_date as date) as row_date from services
    union all
    select 'leads', cast(created_at as date) from leads
    union all
    select 'appointments', cast(scheduled_at as date) from appointments
    union all
    select 'contracts', signed_at from contracts
    union all
    select 'marketing_spend', date from marketing_spend
    union all
    select 'reviews', date from reviews
    union all
    select 'patients', first_visit_date from patients
),

final as (
    select
        table_name,
        cast(date_trunc('month', row_date) as date) as month,
        count(*) as rows,
    from dated_rows
    where row_date is not null
    group by table_name, month
    order by table_name, month
)

select * from final
