-- Metric margin_cost_rows: how many rows each cost table holds (the margins are shown only when
-- one holds rows).
-- Grain: one row.
-- Parameters: none.
-- METRICS.md "Margins".
with

final as (
    select
        (select count(*) from fct_service_costs) as service_costs,
        (select count(*) from fct_pay_rules) as pay_rules,
        (select count(*) from fct_fixed_costs) as fixed_costs,
)

select * from final
