-- Metric monthly: the monthly trend.
-- Grain: one row per calendar month of P that has a (filtered) visit, in order. A period that
-- starts or ends inside a month counts only its own days of that month.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "Breakdowns" (Monthly trend), "First and returning visits".
--
-- new_patients in month m: patients whose first(p) (whole history) falls in m, with a (filtered)
-- line on first(p). first_visits / returning_visits give the first-vs-returning mix per month.
with

visits_in_period as (
    select *
    from fct_visits
    where visit_date between $date_from and $date_to
        and ($doctor is null or list_contains($doctor, doctor))
        and ($department is null or list_contains($department, department))
        and ($branch is null or list_contains($branch, branch))
),

month_visits as (
    -- one row per (month, visit): counting rows is cheaper than count(distinct ...)
    select
        visit_month,
        visit_key,
        bool_or(is_first_visit) as is_first_visit,
        sum(revenue) as revenue,
    from visits_in_period
    group by visit_month, visit_key
),

month_patients as (
    select
        visit_month,
        patient_id,
        bool_or(is_first_visit) as is_new_patient,
    from visits_in_period
    group by visit_month, patient_id
),

visits_per_month as (
    select
        visit_month,
        sum(revenue) as revenue,
        count(*) as visits,
        count(*) filter (where is_first_visit) as first_visits,
        count(*) filter (where not is_first_visit) as returning_visits,
    from month_visits
    group by visit_month
),

patients_per_month as (
    select
        visit_month,
        count(*) as patients,
        count(*) filter (where is_new_patient) as new_patients,
    from month_patients
    group by visit_month
),

per_month as (
    select
        visit_month as month,
        visits_per_month.revenue,
        visits_per_month.visits,
        patients_per_month.patients,
        patients_per_month.new_patients,
        visits_per_month.first_visits,
        visits_per_month.returning_visits,
    from visits_per_month
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
        returning_visits,
        returning_visits / nullif(visits, 0) as returning_share,
    from per_month
    order by month
)

select * from final
