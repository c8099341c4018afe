-- Model fct_visits: visits with their key and the first-visit flag.
-- Grain: one row per (visit_key, patient_id, visit_date, doctor, department, branch). A visit whose
-- lines span two departments has two rows with the same visit_key (visit_parts = 2): count visits
-- as described under visit_parts below, never with count(*).
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (visit key), "First and returning visits" (is_first_visit),
-- "Revenue and activity", "Return rate", "LTV": the metric queries read this table, not the lines.
--
-- Visit key = visit_id where the lines have one; otherwise (patient_id, doctor, visit_date). The
-- two kinds carry different prefixes so a visit_id can never equal a derived key; chr(31) (unit
-- separator) cannot occur in a name.
-- is_first_visit: the visit's date is first(p) (dim_patients, from the whole history).
--
-- visit_parts: the rows of the visit here. Counting visits: the rows with visit_parts = 1 (nearly
-- all) are one visit each; only the rows of split visits need grouping by visit_key (a hash table
-- of long keys over the whole period cost more than the rest of a page's queries together).
create or replace temp table fct_visits as
with

visits as (
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
),

final as (
    select
        *,
        count(*) over (partition by visit_key) as visit_parts,
    from visits
)

select * from final
