-- Metric show_up_by_doctor_and_weekday: appointment show-up, overall, per doctor and per weekday.
-- Grain: one row with breakdown = 'all', one per doctor ('doctor', by name, no doctor last), one
-- per ISO weekday ('weekday', 1 = Monday .. 7 = Sunday).
-- Parameters: $date_from, $date_to (period P: appointments scheduled in it); $doctor, $department,
-- $branch (a list of names, or null for all; an appointment without the attribute does not pass
-- a filter on it).
-- METRICS.md "Funnel" (Appointment show-up).
--
-- show_up_rate = attended / (attended + no_show); cancelled and planned are counted apart.
with

appointments_in_period as (
    select *
    from fct_appointments
    where scheduled_date between $date_from and $date_to
        and kept_by_filters(
            doctor_code, department_code, branch_code, $doctor, $department, $branch
        )
),

counted as (
    select
        case
            when grouping(doctor) = 0 then 'doctor'
            when grouping(weekday) = 0 then 'weekday'
            else 'all'
        end as breakdown,
        doctor,
        weekday,
        count(*) filter (where status = 'attended') as attended,
        count(*) filter (where status = 'no_show') as no_show,
        count(*) filter (where status = 'cancelled') as cancelled,
        count(*) filter (where status = 'planned') as planned,
    from appointments_in_period
    group by grouping sets ((), (doctor), (weekday))
),

final as (
    select
        breakdown,
        doctor,
        weekday,
        attended,
        no_show,
        cancelled,
        planned,
        attended / nullif(attended + no_show, 0) as show_up_rate,
    from counted
    order by breakdown, doctor nulls last, weekday
)

select * from final
