-- Metric coverage: how many rows each canonical table holds per calendar month.
-- Grain: one row per (table_name, month) that has rows, by table and month.
-- Parameters: none (the whole store).
-- METRICS.md "Common terms" (the period a figure can speak for); built by models/store_coverage.
with

final as (
    select
        table_name,
        month,
        rows,
    from store_coverage
    order by table_name, month
)

select * from final
