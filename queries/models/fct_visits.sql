-- Model fct_visits: service lines summed per visit and per filterable attribute.
-- Grain: one row per (visit_key, patient_id, visit_date, doctor, department, branch). A visit whose
-- lines span two departments has two rows with the same visit_key: count visits with
-- count(distinct visit_key), never count(*).
-- Parameters: none (built once per data_version).
-- METRICS.md "Revenue and activity", "First and returning visits", "Return rate", "LTV": the
-- metric queries read this table instead of the lines (about 2-3 times fewer rows).
create or replace temp table fct_visits as
with

final as (
    select
        visit_key,
        patient_id,
        visit_date,
        cast(date_trunc('month', visit_date) as date) as visit_month,
        doctor,
        department,
        branch,
        first_visit_date,
        is_first_visit,
        sum(amount) as revenue,
    from fct_service_lines
    group by all
)

select * from final
