-- Model stg_visits: service lines summed per visit and per filterable attribute, before the
-- patient's first visit date is known (dim_patients reads it; fct_visits completes it).
-- Grain: one row per (visit_id, patient_id, visit_date, doctor, department, branch). Lines without
-- a visit_id group by (patient_id, visit_date, doctor), which is their visit key.
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (visit key), "Revenue and activity".
-- Grouping first makes the later steps work on about 2-3 times fewer rows than the lines.
-- Only the build reads it: the engine drops it once fct_visits is built (BUILD_ONLY_MODELS).
create or replace temp table stg_visits as
with

final as (
    select
        nullif(visit_id, '') as visit_id,
        patient_id,
        visit_date,
        doctor,
        department,
        branch,
        sum(amount) as revenue,
        count(*) as lines,
    from services
    group by all
)

select * from final
