-- Model fct_visits: visits with their key and the first-visit flag.
-- Grain: one row per (visit, patient_id, visit_date, doctor, department, branch). A visit whose
-- lines span two departments has two rows with the same visit_key: count visits
-- as described under single_part below, never with count(*).
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (visit key), "First and returning visits" (is_first_visit),
-- "Revenue and activity", "Return rate", "LTV": the metric queries read this table, not the lines.
--
-- Visit key = visit_id where the lines have one; otherwise (patient_id, doctor, visit_date). The
-- two kinds carry different prefixes so a visit_id can never equal a derived key; chr(31) (unit
-- separator) cannot occur in a name.
-- is_first_visit: the visit's date is first(p) (dim_patients, from the whole history).
-- patient_num: dim_patients' integer for the patient, what the metric queries group by.
-- lines: the service lines behind the row (the data panel counts the services export by them).
-- doctor_code, department_code, branch_code: the names' codes (dim_names), what the filters read.
--
-- visit_key is spelled out only on the rows that are not single_part (null on the others, where
-- nothing reads it: building 4M strings was a third of this model's time at 10M).
-- single_part: no other row has this visit's key, so the row is a whole visit. Counting visits:
-- each single_part row is one; only the other rows (split visits) are grouped by visit_key,
-- which is exact whatever their number (grouping a whole period's rows by their long keys cost
-- more than the rest of a page's queries together). A row whose key merely shares its 64-bit
-- hash with another key is not single_part either: it is counted by key, exactly, too.
-- visit_key_hash: a 64-bit hash of the parts of the visit key (equal keys, equal hashes).
create or replace temp macro visit_key_hash(visit_id, patient_id, doctor, visit_date) as
    case
        when visit_id is not null then hash('id', visit_id)
        else hash('day', patient_id, doctor, visit_date)
    end;

create or replace temp table fct_visits as
with

visits as (
    select
        stg_visits.visit_id,
        stg_visits.patient_id,
        dim_patients.patient_num,
        stg_visits.visit_date,
        cast(date_trunc('month', stg_visits.visit_date) as date) as visit_month,
        stg_visits.doctor,
        stg_visits.department,
        stg_visits.branch,
        doctors.code as doctor_code,
        departments.code as department_code,
        branches.code as branch_code,
        dim_patients.first_visit_date,
        stg_visits.visit_date = dim_patients.first_visit_date as is_first_visit,
        stg_visits.revenue,
        stg_visits.lines,
    from stg_visits
    inner join dim_patients using (patient_id)
    left join dim_names as doctors
        on doctors.attribute = 'doctor' and doctors.name = stg_visits.doctor
    left join dim_names as departments
        on departments.attribute = 'department' and departments.name = stg_visits.department
    left join dim_names as branches
        on branches.attribute = 'branch' and branches.name = stg_visits.branch
),

shared_hashes as (
    -- a hash of each visit's key parts, kept when more than one row has it: grouping by a
    -- 64-bit hash read from stg_visits is cheaper than by the long keys (or a window over them)
    select visit_key_hash(visit_id, patient_id, doctor, visit_date) as key_hash
    from stg_visits
    group by key_hash
    having count(*) > 1
),

final as (
    select
        -- the key is spelled out only where the counts read it: on the rows of split visits
        case
            when shared_hashes.key_hash is null then null
            when visits.visit_id is not null then 'id:' || visits.visit_id
            else
                'day:' || visits.patient_id || chr(31) || visits.doctor || chr(31)
                || strftime(visits.visit_date, '%Y-%m-%d')
        end as visit_key,
        visits.* exclude (visit_id),
        shared_hashes.key_hash is null as single_part,
    from visits
    left join shared_hashes
        on shared_hashes.key_hash = visit_key_hash(
            visits.visit_id, visits.patient_id, visits.doctor, visits.visit_date
        )
)

select * from final
