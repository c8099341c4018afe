-- Model fct_fixed_costs: the fixed costs of calendar months, as the margin queries read them (the
-- canonical table is not attached after the build).
-- Grain: one row per fixed_costs row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Margins" (operating margin).
create or replace temp table fct_fixed_costs as
with

final as (
    select
        month,
        item,
        amount,
        department,
        branch,
    from fixed_costs
)

select * from final
