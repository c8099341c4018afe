-- Model fct_appointments: schedule rows with the day they were booked and the waiting time.
-- Grain: one row per appointments row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Funnel" (an appointment counts from the day it was created, else scheduled),
-- "Appointment show-up" (weekday), "Quality of service" (avg_wait_min).
--
-- wait_min: max(0, started_at - scheduled_at) in minutes where both times are known, else the
-- export's own wait_min (also floored at 0). Reading: when an export gives both the times and a
-- wait_min, the times win (they are the primary definition). Only attended appointments are
-- averaged; that filter lives in the metric query.
create or replace temp table fct_appointments as
with

final as (
    select
        appointment_id,
        patient_id,
        lead_id,
        doctor,
        department,
        branch,
        status,
        scheduled_at,
        cast(scheduled_at as date) as scheduled_date,
        isodow(scheduled_at) as weekday,
        cast(coalesce(created_at, scheduled_at) as date) as booked_date,
        case
            when started_at is not null
                then greatest(0.0, epoch(started_at - scheduled_at) / 60.0)
            when wait_min is not null
                then greatest(0.0, cast(wait_min as double))
        end as wait_min,
    from appointments
)

select * from final
