-- Metric breakdown: the breakdown by doctor, by department or by branch.
-- Grain: one row per member (a doctor, a department or a branch, as $dimension says) with a
-- (filtered) visit in P, by revenue descending (ties by name); lines without the attribute form
-- one row whose member is null.
-- Parameters: $dimension ('doctor', 'department' or 'branch'); $date_from, $date_to (period P);
-- $doctor, $department, $branch (a list of names, or null for all); $return_window (H, days).
-- METRICS.md "Breakdowns" (Doctors; Departments: "the same"), "Return rate" (doctor; department:
-- "the same as for a doctor, with department in place of doctor"), "LTV" (doctor LTV).
--
-- For a member M (doctor D, department, branch):
-- new_patients: the clinic's new patients (first(p) in P, from the whole history) with a line with
-- M on first(p). firstM(p) = the earliest (filtered) visit_date of p with M: a patient who has been
-- to the clinic before can still be new to M.
-- Return rate: cohort = firstM(p) in P and firstM(p) <= data_end - H; returned = a visit with M on
-- a day in (firstM, firstM + H]. LTV: cohort = firstM(p) in P; the sum of their lines with M up to
-- data_end / the cohort size.
-- main_department: the department with most of M's revenue in P (ties: by name); for a department
-- it is the department itself.
with

facts as (
    select data_end from store_facts
),

filtered_visits as (
    select
        case $dimension
            when 'doctor' then doctor
            when 'department' then department
            when 'branch' then branch
        end as member,
        *,
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

member_activity as (
    select
        member,
        sum(revenue) as revenue,
        count(distinct visit_key) as visits,
        count(distinct patient_id) as patients,
        count(distinct patient_id) filter (where is_first_visit) as new_patients,
    from visits_in_period
    group by member
),

member_departments as (
    select
        member,
        department,
        row_number() over (
            partition by member order by sum(revenue) desc, department nulls last
        ) as revenue_rank,
    from visits_in_period
    group by member, department
),

member_patient_days as (
    select
        member,
        patient_id,
        visit_date,
        sum(revenue) as revenue,
    from filtered_visits
    group by member, patient_id, visit_date
),

member_patients as (
    -- days are distinct here, so the two smallest are firstM(p) and the next day p came back
    select
        member,
        patient_id,
        min(visit_date, 2) as first_two_days,
        sum(revenue) as revenue_with_member,
    from member_patient_days
    group by member, patient_id
),

member_cohorts as (
    select
        member,
        count(*) as ltv_cohort,
        sum(revenue_with_member) as ltv_revenue,
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
    from member_patients
    cross join facts
    where first_two_days[1] between $date_from and $date_to
    group by member
),

final as (
    select
        member_activity.member,
        member_activity.visits,
        member_activity.patients,
        member_activity.new_patients,
        member_activity.revenue,
        member_activity.revenue / nullif(period_total.total_revenue, 0) as share,
        member_activity.revenue / nullif(member_activity.visits, 0) as avg_check,
        member_activity.revenue / nullif(member_activity.patients, 0) as revenue_per_patient,
        coalesce(member_cohorts.return_cohort, 0) as return_cohort,
        coalesce(member_cohorts.returned, 0) as returned,
        coalesce(member_cohorts.not_yet_observable, 0) as not_yet_observable,
        member_cohorts.returned / nullif(member_cohorts.return_cohort, 0) as return_rate,
        coalesce(member_cohorts.ltv_cohort, 0) as ltv_cohort,
        member_cohorts.ltv_revenue / nullif(member_cohorts.ltv_cohort, 0) as ltv,
        member_departments.department as main_department,
    from member_activity
    cross join period_total
    left join member_cohorts
        on member_cohorts.member is not distinct from member_activity.member
    left join member_departments
        on member_departments.member is not distinct from member_activity.member
        and member_departments.revenue_rank = 1
    order by member_activity.revenue desc, member_activity.member nulls last
)

select * from final
