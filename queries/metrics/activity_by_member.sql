-- Metric activity_by_member: the breakdown by doctor, by department or by branch.
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

visits_in_period as not materialized (
    -- read once per use below: each reads only the columns it needs
    select
        case $dimension
            when 'doctor' then doctor
            when 'department' then department
            when 'branch' then branch
        end as member,
        *,
    from filtered_visits($doctor, $department, $branch)
    where visit_date between $date_from and $date_to
),

period_total as (
    select sum(revenue) as total_revenue from visits_in_period
),

member_period as (
    -- counted_visits: models/macros/filtered_visits.sql
    select
        member,
        sum(revenue) as revenue,
        counted_visits(single_part, visit_key, true) as visits,
    from visits_in_period
    group by member
),

member_period_patients as (
    -- a patient is new to the clinic when a row of theirs with M is on first(p)
    select
        member,
        patient_num,
        bool_or(is_first_visit) as is_new_patient,
    from visits_in_period
    group by member, patient_num
),

member_patient_counts as (
    select
        member,
        count(*) as patients,
        count(*) filter (where is_new_patient) as new_patients,
    from member_period_patients
    group by member
),

member_activity as (
    select
        member_period.member,
        member_period.revenue,
        member_period.visits,
        member_patient_counts.patients,
        member_patient_counts.new_patients,
    from member_period
    inner join member_patient_counts
        on member_patient_counts.member is not distinct from member_period.member
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

member_rows as not materialized (
    -- p's history with M, one row per (doctor, department, branch) of M that the filters keep;
    -- M by its code here (dim_names), by its name from member_cohorts on
    select
        case $dimension
            when 'doctor' then doctor_code
            when 'department' then department_code
            when 'branch' then branch_code
        end as member,
        patient_num,
        first_date,
        second_date,
        revenue,
    from fct_patient_members
    where kept_by_filters(
        doctor_code, department_code, branch_code, $doctor, $department, $branch
    )
),

member_starts as (
    -- firstM(p), for the pairs whose first visit with M falls in P
    select
        member,
        patient_num,
        min(first_date) as member_first_date,
    from member_rows
    group by member, patient_num
    having min(first_date) between $date_from and $date_to
),

member_patients as (
    -- with the next day p came back to M and p's revenue with M
    select
        member_starts.member,
        member_starts.patient_num,
        member_starts.member_first_date,
        next_visit_after(
            member_rows.first_date, member_rows.second_date, member_starts.member_first_date
        ) as next_date,
        sum(member_rows.revenue) as revenue_with_member,
    from member_starts
    inner join member_rows
        on member_rows.member is not distinct from member_starts.member
        and member_rows.patient_num = member_starts.patient_num
    group by member_starts.member, member_starts.patient_num, member_starts.member_first_date
),

member_cohorts as (
    select
        dim_names.name as member,
        count(*) as ltv_cohort,
        sum(revenue_with_member) as ltv_revenue,
        count(*) filter (
            where is_observable(member_first_date, facts.data_end, $return_window)
        ) as return_cohort,
        count(*) filter (
            where is_observable(member_first_date, facts.data_end, $return_window)
                and returned_within(member_first_date, next_date, $return_window)
        ) as returned,
        count(*) filter (
            where not is_observable(member_first_date, facts.data_end, $return_window)
        ) as not_yet_observable,
    from member_patients
    cross join facts
    left join dim_names
        on dim_names.attribute = $dimension and dim_names.code = member_patients.member
    group by dim_names.name
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
