-- Metric departments: the breakdown by department.
-- Grain: one row per department with a (filtered) visit in P, by revenue descending; lines
-- without a department form one row whose department is null.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all); $return_window (H, days).
-- METRICS.md "Breakdowns" (Departments), "Return rate" (department), "LTV" (as for a doctor).
--
-- The same definitions as doctors.sql with the department in place of the doctor:
-- new_patients = the clinic's new patients with a line in the department on first(p);
-- firstDep(p) = the earliest (filtered) visit_date of p in the department; return cohort =
-- firstDep(p) in P and <= data_end - H, returned = a visit in the department on a day in
-- (firstDep, firstDep + H]; LTV = their lines in the department up to data_end / cohort size.
with

facts as (
    select data_end from store_facts
),

filtered_visits as (
    select *
    from fct_visits
    where ($doctor is null or list_contains($doctor, doctor))
        and ($department is null or list_contains($department, department))
        and ($branch is null or list_contains($branch, branch))
),

visits_in_period as (
    select *
    from filtered_visits
    where visit_date between $date_from and $date_to
),

period_total as (
    select sum(revenue) as total_revenue from visits_in_period
),

department_activity as (
    select
        department,
        sum(revenue) as revenue,
        count(distinct visit_key) as visits,
        count(distinct patient_id) as patients,
        count(distinct patient_id) filter (where is_first_visit) as new_patients,
    from visits_in_period
    group by department
),

department_patient_days as (
    select
        department,
        patient_id,
        visit_date,
        sum(revenue) as revenue,
    from filtered_visits
    group by department, patient_id, visit_date
),

department_patients as (
    -- days are distinct here, so the two smallest are firstDep(p) and the next day
    select
        department,
        patient_id,
        min(visit_date, 2) as first_two_days,
        sum(revenue) as revenue_in_department,
    from department_patient_days
    group by department, patient_id
),

department_cohorts as (
    select
        department,
        count(*) as ltv_cohort,
        sum(revenue_in_department) as ltv_revenue,
        count(*) filter (
            where first_two_days[1] <= facts.data_end - $return_window
        ) as return_cohort,
        count(*) filter (
            where first_two_days[1] <= facts.data_end - $return_window
                and first_two_days[2] <= first_two_days[1] + $return_window
        ) as returned,
        count(*) filter (
            where first_two_days[1] > facts.data_end - $return_window
        ) as not_yet_observable,
    from department_patients
    cross join facts
    where first_two_days[1] between $date_from and $date_to
    group by department
),

final as (
    select
        department_activity.department,
        department_activity.visits,
        department_activity.patients,
        department_activity.new_patients,
        department_activity.revenue,
        department_activity.revenue / nullif(period_total.total_revenue, 0) as share,
        department_activity.revenue / nullif(department_activity.visits, 0) as avg_check,
        department_activity.revenue
            / nullif(department_activity.patients, 0) as revenue_per_patient,
        coalesce(department_cohorts.return_cohort, 0) as return_cohort,
        coalesce(department_cohorts.returned, 0) as returned,
        coalesce(department_cohorts.not_yet_observable, 0) as not_yet_observable,
        department_cohorts.returned / nullif(department_cohorts.return_cohort, 0) as return_rate,
        coalesce(department_cohorts.ltv_cohort, 0) as ltv_cohort,
        department_cohorts.ltv_revenue / nullif(department_cohorts.ltv_cohort, 0) as ltv,
    from department_activity
    cross join period_total
    left join department_cohorts
        on department_cohorts.department is not distinct from department_activity.department
    order by department_activity.revenue desc, department_activity.department nulls last
)

select * from final
