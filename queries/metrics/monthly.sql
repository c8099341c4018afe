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

per_month as (
    select
        visit_month as month,
        sum(revenue) as revenue,
        count(distinct visit_key) as visits,
        count(distinct patient_id) as patients,
        count(distinct patient_id) filter (where is_first_visit) as new_patients,
        count(distinct visit_key) filter (where is_first_visit) as first_visits,
        count(distinct visit_key) filter (where not is_first_visit) as returning_visits,
    from visits_in_period
    group by visit_month
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
