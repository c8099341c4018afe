-- Model store_facts: the facts about the whole store that do not move with the period.
-- Grain: one row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (data_end); CLI.md (a section whose source table holds no rows is
-- null: the row counts decide that).
create or replace temp table store_facts as
with

final as (
    select
        (select max(visit_date) from services) as data_end,
        (select count(*) from services) as services_rows,
        (select count(*) from leads) as leads_rows,
        (select count(*) from appointments) as appointments_rows,
        (select count(*) from contracts) as contracts_rows,
        (select count(*) from marketing_spend) as marketing_spend_rows,
        (select count(*) from reviews) as reviews_rows,
        (select count(*) from patients) as patients_rows,
        (select count(*) from goals) as goals_rows,
        (select count(*) from service_costs) as service_costs_rows,
        (select count(*) from pay_rules) as pay_rules_rows,
        (select count(*) from fixed_costs) as fixed_costs_rows,
)

select * from final
