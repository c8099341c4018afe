-- Model new_patients: a table macro, the one definition of "the new patients of a period".
-- Grain: one row per patient p with first(p) in [period_from, period_to] who has a (filtered)
-- visit on first(p).
-- Parameters: none at build time (the models take none); when called, the macro takes
-- period_from, period_to, doctor_names, department_names, branch_names (lists, or null for all),
-- which metric queries pass on from their bound $date_from, $date_to, $doctor, $department,
-- $branch.
-- METRICS.md "First and returning visits" (new_patients), "Return rate" and "LTV" (their cohort),
-- "Marketing" (new_patients(c, P)), and the filter rule: the filters narrow the visits, first(p)
-- comes from the whole history (fct_visits carries it).
--
-- Per patient: next_visit_date (the first later (filtered) visit: "returned within H" is
-- next_visit_date <= first_visit_date + H), revenue_to_date (all (filtered) revenue from first(p)
-- to data_end), revenue_first_year (first(p) <= visit_date < first(p) + 365 days), revenue_90d and
-- revenue_180d (the same within 90 and 180 days: LTV at equal age).
-- Reading: the return and LTV cohorts are these patients ("the clinic's new patients seen by D on
-- their first day"), so a patient whose first(p) comes from the patients list and who has no line
-- that day is in none of them.
-- Read from fct_patient_members (one row per patient and doctor, department and branch), whose
-- grain holds every filterable attribute: the filters keep or drop its rows as they keep or drop
-- visits, and no (filtered) visit is before first(p), so the next day after first(p) is
-- next_visit_after over the kept rows (models/macros/filtered_visits.sql).
create or replace temp macro new_patients(
    period_from, period_to, doctor_names, department_names, branch_names
) as table
with

final as (
    select
        patient_num,
        first_visit_date,
        next_visit_after(first_date, second_date, first_visit_date) as next_visit_date,
        sum(revenue) as revenue_to_date,
        sum(revenue_first_year) as revenue_first_year,
        sum(revenue_90d) as revenue_90d,
        sum(revenue_180d) as revenue_180d,
    from fct_patient_members
    where first_visit_date between period_from and period_to
        and kept_by_filters(
            doctor_code, department_code, branch_code, doctor_names, department_names, branch_names
        )
    group by patient_num, first_visit_date
    having bool_or(first_date = first_visit_date)
)

select * from final
