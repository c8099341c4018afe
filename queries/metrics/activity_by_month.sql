-- Metric activity_by_month: the monthly trend.
-- Grain: one row per calendar month of P that has a (filtered) visit, in order. A period that
-- starts or ends inside a month counts only its own days of that month.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "Breakdowns" (Monthly trend), "First and returning visits".
--
-- new_patients in month m: patients whose first(p) (whole history) falls in m, with a (filtered)
-- line on first(p). first_visits / returning_visits give the first-vs-returning mix per month.
with

visits_in_period as not materialized (
    -- read once per use below: each reads only the columns it needs
    select *
    from filtered_visits($doctor, $department, $branch)
    where visit_date between $date_from and $date_to
),

per_month as (
    -- counted_visits: models/macros/filtered_visits.sql
    select
        visit_month,
        sum(revenue) as revenue,
        counted_visits(single_part, visit_key, true) as visits,
        counted_visits(single_part, visit_key, is_first_visit) as first_visits,
    from visits_in_period
    group by visit_month
),

month_patients as (
    -- a patient is new in the month of first(p), the only month with a row on it
    select
        visit_month,
        patient_num,
        bool_or(is_first_visit) as is_new_patient,
    from visits_in_period
    group by visit_month, patient_num
),

patients_per_month as (
    select
        visit_month,
        count(*) as patients,
        count(*) filter (where is_new_patient) as new_patients,
    from month_patients
    group by visit_month
),

month_figures as (
    select
        per_month.visit_month as month,
        per_month.revenue,
        per_month.visits,
        patients_per_month.patients,
        patients_per_month.new_patients,
        per_month.first_visits,
    from per_month
    inner join patients_per_month using (visit_month)
),

final as (
    select
        month,
        revenue,
        visits,
        patients,
        new_patients,
        revenue / nullif(visits, 0) as avg_check,
        first_visits,
        visits - first_visits as returning_visits,
        (visits - first_visits) / nullif(visits, 0) as returning_share,
    from month_figures
    order by month
)

select * from final
