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
    -- the large tables are counted from their models (in memory, and services already grouped)
    select 'services' as table_name, visit_date as row_date, lines as row_count from stg_visits
    union all
    select 'leads', lead_date, 1 from fct_leads
    union all
    select 'appointments', scheduled_date, 1 from fct_appointments
    union all
    select 'contracts', signed_at, 1 from contracts
    union all
    select 'marketing_spend', spend_date, 1 from fct_marketing_spend
    union all
    select 'reviews', review_date, 1 from fct_reviews
    union all
    select 'patients', first_visit_date, 1 from patients
),

final as (
    select
        table_name,
        cast(date_trunc('month', row_date) as date) as month,
        cast(sum(row_count) as bigint) as rows,
    from dated_rows
    where row_date is not null
    group by table_name, month
    order by table_name, month
)

select * from final
