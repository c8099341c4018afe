-- Model fct_service_costs: the materials / lab cost of one unit of a service, from a date on, as
-- the margin queries read them (the canonical table is not attached after the build).
-- Grain: one row per service_costs row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Margins" (materials of a line).
create or replace temp table fct_service_costs as
with

final as (
    select
        service_code,
        service,
        cost,
        valid_from,
        department,
    from service_costs
)

select * from final
