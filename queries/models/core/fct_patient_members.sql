-- Model fct_patient_members: each patient's history with each (doctor, department, branch),
-- folded to the few figures the cohort metrics need, so that a filter change reads one row per
-- pair instead of the patient's whole history of visits.
-- Grain: one row per (patient_num, doctor_code, department_code, branch_code) that has a visit:
-- the names' codes (dim_names), one to one with the names (null with null).
-- Parameters: none (built once per data_version).
-- METRICS.md "First and returning visits" (new_patients), "Return rate", "LTV" (clinic and per
-- doctor / department), read by the table macro new_patients and by metrics/activity_by_member.sql.
--
-- first_date, second_date: the earliest and the next later visit day of p with exactly this
-- doctor, department and branch (second_date null: no later day).
-- revenue: all of p's revenue with them; revenue_first_year: the part of it on days before
-- first(p) + 365, first(p) being the clinic's (first_visit_date, from dim_patients); revenue_90d,
-- revenue_180d: the same before first(p) + 90 and + 180 (LTV at equal age).
--
-- Why two days are enough: the filters keep or drop whole rows of this table (its grain holds
-- every filterable attribute), and over any set of kept rows of one patient
--   min(visit_date) = min(first_date), and
--   the next day after a day F <= every first_date is min(first_date if first_date > F else
--   second_date), because a row's days after its own first_date start at its second_date.
create or replace temp table fct_patient_members as
with

patient_days as (
    -- one row per day of p with them: two visits on one day are one day
    select
        patient_num,
        doctor_code,
        department_code,
        branch_code,
        visit_date,
        any_value(first_visit_date) as first_visit_date,
        sum(revenue) as revenue,
    from fct_visits
    group by patient_num, doctor_code, department_code, branch_code, visit_date
),

final as (
    select
        patient_num,
        doctor_code,
        department_code,
        branch_code,
        any_value(first_visit_date) as first_visit_date,
        min(visit_date) as first_date,
        -- the two earliest days, in order; the days of a pair are distinct (patient_days)
        min(visit_date, 2)[2] as second_date,
        sum(revenue) as revenue,
        sum(revenue) filter (where visit_date < first_visit_date + 365) as revenue_first_year,
        -- LTV at equal age (METRICS.md "LTV"): the part on days before first(p) + 90 / + 180
        sum(revenue) filter (where visit_date < first_visit_date + 90) as revenue_90d,
        sum(revenue) filter (where visit_date < first_visit_date + 180) as revenue_180d,
    from patient_days
    group by patient_num, doctor_code, department_code, branch_code
)

select * from final
