-- Metric rows_by_table_and_month: how many rows each canonical table holds per calendar month.
-- Grain: one row per (table_name, month) that has rows, by table and month, by each table's
-- main date (the date the loader reports a file's period by: services.visit_date,
-- leads.created_at, appointments.scheduled_at, contracts.signed_at, marketing_spend.date,
-- reviews.date, patients.first_visit_date). Rows without that date are not counted.
-- Parameters: none (the whole store).
-- METRICS.md "Common terms" (the period a figure can speak for). The large tables are counted
-- from their models (in memory, services already grouped into visits: fct_visits.lines); the
-- rest comes from models/store_coverage.
with

dated_rows as (
    select 'services' as table_name, visit_date as row_date, lines as row_count from fct_visits
    union all
    select 'leads', lead_date, 1 from fct_leads
    union all
    select 'appointments', scheduled_date, 1 from fct_appointments
    union all
    select 'marketing_spend', spend_date, 1 from fct_marketing_spend
    union all
    select 'reviews', review_date, 1 from fct_reviews
),

counted as (
    select
        table_name,
        cast(date_trunc('month', row_date) as date) as month,
        cast(sum(row_count) as bigint) as rows,
    from dated_rows
    where row_date is not null
    group by table_name, month
    union all
    select table_name, month, rows from store_coverage
),

final as (
    select
        table_name,
        month,
        rows,
    from counted
    order by table_name, month
)

select * from final
