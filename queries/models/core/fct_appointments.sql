-- Model fct_appointments: schedule rows with the day they were booked and the waiting time.
-- Grain: one row per appointments row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Funnel" (an appointment counts from the day it was created, else scheduled),
-- "Appointment show-up" (weekday), "Quality of service" (avg_wait_min), "Common terms" (Filters:
-- doctor_code, department_code, branch_code are the names' codes, dim_names, what
-- kept_by_filters reads; the doctor's name stays for the per-doctor rows).
--
-- wait_min: max(0, started_at - scheduled_at) in minutes where both times are known, else the
-- export's own wait_min (also floored at 0). Reading: when an export gives both the times and a
-- wait_min, the times win (they are the primary definition). Only attended appointments are
-- averaged; that filter lives in the metric query.
create or replace temp table fct_appointments as
with

final as (
    select
        appointments.appointment_id,
        appointments.patient_id,
        appointments.lead_id,
        appointments.doctor,
        doctors.code as doctor_code,
        departments.code as department_code,
        branches.code as branch_code,
        -- the clinic's choice for the schedule's word wins over the word lists of the load
        coalesce(status_choices.canonical, appointments.status) as status,
        appointments.scheduled_at,
        cast(appointments.scheduled_at as date) as scheduled_date,
        isodow(appointments.scheduled_at) as weekday,
        cast(
            coalesce(appointments.created_at, appointments.scheduled_at) as date
        ) as booked_date,
        case
            when appointments.started_at is not null
                then greatest(
                    0.0, epoch(appointments.started_at - appointments.scheduled_at) / 60.0
                )
            when appointments.wait_min is not null
                then greatest(0.0, cast(appointments.wait_min as double))
        end as wait_min,
    from appointments
    left join word_choices as status_choices
        on status_choices.field = 'status'
        and status_choices.word = word_key(appointments.status_raw)
    left join dim_names as doctors
        on doctors.attribute = 'doctor' and doctors.name = appointments.doctor
    left join dim_names as departments
        on departments.attribute = 'department' and departments.name = appointments.department
    left join dim_names as branches
        on branches.attribute = 'branch' and branches.name = appointments.branch
)

select * from final
