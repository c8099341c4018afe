-- Model fct_visits: visits with their key and the first-visit flag.
-- Grain: one row per (visit_key, patient_id, visit_date, doctor, department, branch). A visit whose
-- lines span two departments has two rows with the same visit_key: count visits with
-- count(distinct visit_key), never count(*).
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (visit key), "First and returning visits" (is_first_visit),
-- "Revenue and activity", "Return rate", "LTV": the metric queries read this table, not the lines.
--
-- Visit key = visit_id where the lines have one; otherwise (patient_id, doctor, visit_date). The
-- two kinds carry different prefixes so a visit_id can never equal a derived key; chr(31) (unit
-- separator) cannot occur in a name.
-- is_first_visit: the visit's date is first(p) (dim_patients, from the whole history).
create or replace temp table fct_visits as
with

final as (
    select
        case
            when stg_visits.visit_id is not null then 'id:' || stg_visits.visit_id
            else
                'day:' || stg_visits.patient_id || chr(31) || stg_visits.doctor || chr(31)
                || strftime(stg_visits.visit_date, '%Y-%m-%d')
        end as visit_key,
        stg_visits.patient_id,
        stg_visits.visit_date,
        cast(date_trunc('month', stg_visits.visit_date) as date) as visit_month,
        stg_visits.doctor,
        stg_visits.department,
        stg_visits.branch,
        dim_patients.first_visit_date,
        stg_visits.visit_date = dim_patients.first_visit_date as is_first_visit,
        stg_visits.revenue,
    from stg_visits
    inner join dim_patients using (patient_id)
)

select * from final
