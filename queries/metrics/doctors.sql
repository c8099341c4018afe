-- Metric doctors: the breakdown by doctor.
-- Grain: one row per doctor with a (filtered) visit in P, by revenue descending.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all); $return_window (H, days).
-- METRICS.md "Breakdowns" (Doctors), "Return rate" (doctor), "LTV" (doctor LTV).
--
-- new_patients: the clinic's new patients (first(p) in P, from the whole history) with a line
-- with D on first(p). firstD(p) = the earliest (filtered) visit_date of p with D: a patient who
-- has been to the clinic before can still be new to D.
-- Doctor return rate: cohort = firstD(p) in P and firstD(p) <= data_end - H; returned = a visit
-- with D on a day in (firstD, firstD + H]. Doctor LTV: cohort = firstD(p) in P; sum of their lines
-- with D up to data_end / cohort size.
-- main_department: the department with most of D's revenue in P (ties: by name).
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

doctor_activity as (
    select
        doctor,
        sum(revenue) as revenue,
        count(distinct visit_key) as visits,
        count(distinct patient_id) as patients,
        count(distinct patient_id) filter (where is_first_visit) as new_patients,
    from visits_in_period
    group by doctor
),

doctor_departments as (
    select
        doctor,
        department,
        row_number() over (
            partition by doctor order by sum(revenue) desc, department nulls last
        ) as revenue_rank,
    from visits_in_period
    group by doctor, department
),

doctor_patient_days as (
    select
        doctor,
        patient_id,
        visit_date,
        sum(revenue) as revenue,
    from filtered_visits
    group by doctor, patient_id, visit_date
),

doctor_patients as (
    -- days are distinct here, so the two smallest are firstD(p) and the next day p came to D
    select
        doctor,
        patient_id,
        min(visit_date, 2) as first_two_days,
        sum(revenue) as revenue_with_doctor,
    from doctor_patient_days
    group by doctor, patient_id
),

doctor_cohorts as (
    select
        doctor,
        count(*) as ltv_cohort,
        sum(revenue_with_doctor) as ltv_revenue,
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
    from doctor_patients
    cross join facts
    where first_two_days[1] between $date_from and $date_to
    group by doctor
),

final as (
    select
        doctor_activity.doctor,
        doctor_activity.visits,
        doctor_activity.patients,
        doctor_activity.new_patients,
        doctor_activity.revenue,
        doctor_activity.revenue / nullif(period_total.total_revenue, 0) as share,
        doctor_activity.revenue / nullif(doctor_activity.visits, 0) as avg_check,
        doctor_activity.revenue / nullif(doctor_activity.patients, 0) as revenue_per_patient,
        coalesce(doctor_cohorts.return_cohort, 0) as return_cohort,
        coalesce(doctor_cohorts.returned, 0) as returned,
        coalesce(doctor_cohorts.not_yet_observable, 0) as not_yet_observable,
        doctor_cohorts.returned / nullif(doctor_cohorts.return_cohort, 0) as return_rate,
        coalesce(doctor_cohorts.ltv_cohort, 0) as ltv_cohort,
        doctor_cohorts.ltv_revenue / nullif(doctor_cohorts.ltv_cohort, 0) as ltv,
        doctor_departments.department as main_department,
    from doctor_activity
    cross join period_total
    left join doctor_cohorts using (doctor)
    left join doctor_departments
        on doctor_departments.doctor = doctor_activity.doctor
        and doctor_departments.revenue_rank = 1
    order by doctor_activity.revenue desc, doctor_activity.doctor
)

select * from final
