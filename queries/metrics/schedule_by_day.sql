-- Metric schedule_by_day: for each calendar day of a period, whether the schedule reaches it and
-- whether the scope had an appointment on it (the working days of METRICS.md "Goals and pacing").
-- Grain: one row per calendar day of the period, by day.
-- Parameters: $date_from, $date_to (the period, days inclusive); $doctor, $department, $branch
-- (a list of names, or null for all; an appointment without the attribute does not pass a
-- filter on it).
-- METRICS.md "Goals and pacing" (working days). in_schedule: the day lies between the first and
-- the last scheduled day of the whole store (any scope); appointments: the scope's appointments
-- that day, of any status (a cancelled or planned one still says the doctor works that day).
with

days as (
    select cast(day as date) as day
    from generate_series(cast($date_from as date), cast($date_to as date), interval 1 day)
        as t(day)
),

schedule_span as (
    select
        min(scheduled_date) as schedule_from,
        max(scheduled_date) as schedule_to,
    from fct_appointments
),

scope_days as (
    select
        scheduled_date as day,
        count(*) as appointments,
    from fct_appointments
    where scheduled_date between $date_from and $date_to
        and kept_by_filters(
            doctor_code, department_code, branch_code, $doctor, $department, $branch
        )
    group by scheduled_date
),

final as (
    select
        days.day,
        coalesce(days.day between schedule_span.schedule_from and schedule_span.schedule_to,
                 false) as in_schedule,
        coalesce(scope_days.appointments, 0) as appointments,
    from days
    cross join schedule_span
    left join scope_days on scope_days.day = days.day
    order by days.day
)

select * from final
