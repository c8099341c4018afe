-- Metric call_list_missed: no-shows and cancellations not rebooked, one row per patient.
-- Grain: one row per patient with a no_show or cancelled appointment scheduled between
-- data_end - M days and data_end - N days that nothing followed (the patient's latest such
-- appointment); sorted by value, largest first.
-- Parameters: $missed_days (M), $rebook_days (N); $doctor, $department, $branch (a list of
-- names, or null for all), applied to the missed appointment's doctor, department and branch.
-- METRICS.md "Call lists" (Today, No-shows and cancellations not rebooked, Value at stake).
--
-- Followed (so not listed): the patient has another appointment scheduled later than the missed
-- one that is not itself cancelled or missed (attended, planned, or a status not yet known), or
-- a visit (fct_visits) on or after the missed appointment's day.
-- missed_at: the appointment's time, by which the administrator finds a patient the schedule
-- named without a card number (patient_id 'h:…', a salted hash of the name).
-- value = the patient's yearly value (as call_list_lapsed); for a patient without a visit, the
-- appointment doctor's average revenue per visit over the whole history (value_basis says which).
with

facts as (
    select data_end from store_facts
),

missed as (
    select fct_appointments.*
    from fct_appointments, facts
    where fct_appointments.patient_id is not null
        and fct_appointments.status in ('no_show', 'cancelled')
        and fct_appointments.scheduled_date
            between facts.data_end - cast($missed_days as integer)
            and facts.data_end - cast($rebook_days as integer)
        and kept_by_filters(
            fct_appointments.doctor_code, fct_appointments.department_code,
            fct_appointments.branch_code, $doctor, $department, $branch
        )
),

not_followed as (
    select
        missed.*,
        row_number() over (
            partition by missed.patient_id order by missed.scheduled_at desc, missed.doctor
        ) as row_rank,
    from missed
    where not exists (
            select 1
            from fct_appointments as later
            where later.patient_id = missed.patient_id
                and later.scheduled_at > missed.scheduled_at
                and coalesce(later.status, 'planned') not in ('cancelled', 'no_show')
        )
        and not exists (
            select 1
            from fct_visits
            where fct_visits.patient_id = missed.patient_id
                and fct_visits.visit_date >= missed.scheduled_date
        )
),

patient_history as (
    select
        patient_id,
        min(visit_date) as first_visit_date,
        max(visit_date) as last_visit_date,
        sum(revenue) as revenue,
    from fct_visits
    group by patient_id
),

doctor_checks as (
    select
        doctor_code,
        sum(revenue) / nullif(counted_visits(single_part, visit_key, true), 0) as avg_check,
    from fct_visits
    where doctor_code is not null
    group by doctor_code
),

final as (
    select
        not_followed.patient_id,
        not_followed.doctor,
        departments.name as department,
        branches.name as branch,
        patient_history.last_visit_date,
        not_followed.scheduled_date as missed_date,
        not_followed.scheduled_at as missed_at,
        not_followed.status,
        cast(facts.data_end - not_followed.scheduled_date as integer) as days_since,
        case
            when patient_history.patient_id is not null then 'patient_year'
            when doctor_checks.avg_check is not null then 'doctor_visit'
        end as value_basis,
        cast(round(coalesce(
            yearly_value(patient_history.revenue, patient_history.first_visit_date, facts.data_end),
            doctor_checks.avg_check
        ), 2) as decimal(18, 2)) as value,
    from not_followed
    cross join facts
    left join patient_history using (patient_id)
    left join doctor_checks using (doctor_code)
    left join dim_names as departments
        on departments.attribute = 'department' and departments.code = not_followed.department_code
    left join dim_names as branches
        on branches.attribute = 'branch' and branches.code = not_followed.branch_code
    where not_followed.row_rank = 1
    order by value desc nulls last, not_followed.patient_id
)

select * from final
