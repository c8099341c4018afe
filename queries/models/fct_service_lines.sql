-- Model fct_service_lines: every service line with its visit key and first-visit flag.
-- Grain: one row per services row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (visit key), "First and returning visits" (is_first_visit).
--
-- Visit key = visit_id where the line has one; otherwise (patient_id, doctor, visit_date). The two
-- kinds carry different prefixes so a visit_id can never equal a derived key; chr(31) (unit
-- separator) cannot occur in a name.
-- is_first_visit: the line's date is first(p) (dim_patients, from the whole history).
create or replace temp table fct_service_lines as
with

lines as (
    select
        visit_date,
        patient_id,
        doctor,
        department,
        branch,
        service,
        amount,
        quantity,
        duration_min,
        case
            when visit_id is not null and visit_id <> '' then 'id:' || visit_id
            else
                'day:' || patient_id || chr(31) || doctor || chr(31)
                || strftime(visit_date, '%Y-%m-%d')
        end as visit_key,
    from services
),

final as (
    select
        lines.*,
        dim_patients.first_visit_date,
        lines.visit_date = dim_patients.first_visit_date as is_first_visit,
    from lines
    inner join dim_patients using (patient_id)
)

select * from final
