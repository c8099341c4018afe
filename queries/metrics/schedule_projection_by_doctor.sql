-- Metric schedule_projection_by_doctor: what the schedule says of the rest of a month.
-- Grain: one row per doctor with an appointment booked for the rest of the month (breakdown =
-- 'doctor', by name, no doctor last) and one row for them all (breakdown = 'all', always there).
-- Parameters: $rest_from, $month_end (the days still to come: data_end + 1 .. the month's last
-- day); $history_from, $history_to (the history the rates are read from: the 365 days up to
-- data_end); $min_history (the appointments, and the visits, a doctor needs for own rates);
-- $doctor, $department, $branch (a list of names, or null for all).
-- METRICS.md "Forecast" (This month from the schedule).
--
-- booked: appointments with status 'planned' scheduled in $rest_from .. $month_end.
-- booked_new_patients: of those, the patients with a card number and no visit up to
-- $history_to, each once (at the earliest booking; the doctor of that booking).
-- show_up (turnout): attended / (attended + no_show + cancelled) of the doctor's appointments
-- scheduled in the history; a booking that is later cancelled is not a visit either.
-- revenue_per_visit: the doctor's revenue / visits in the history (net of refunds).
-- A doctor with fewer than $min_history appointments (or visits) in the history, or a booking
-- without a doctor, takes the rate of all the appointments (visits) the filters keep
-- (own_show_up / own_revenue_per_visit false). No history at all: null, not 0.
with

kept_appointments as (
    select *
    from fct_appointments
    where kept_by_filters(
        doctor_code, department_code, branch_code, $doctor, $department, $branch
    )
),

booked as (
    select
        doctor,
        doctor_code,
        patient_id,
        scheduled_at,
    from kept_appointments
    where status = 'planned'
        and scheduled_date between $rest_from and $month_end
),

seen_patients as (
    select patient_id
    from dim_patients
    where first_visit_date <= $history_to
),

first_bookings_of_new as (
    -- a new patient once, at the earliest booking
    select
        doctor_code,
        patient_id,
    from booked
    where patient_id is not null
        and patient_id not in (select patient_id from seen_patients)
    qualify row_number() over (partition by patient_id order by scheduled_at, doctor) = 1
),

booked_per_doctor as (
    select
        doctor_code,
        any_value(doctor) as doctor,
        count(*) as booked,
        count(patient_id) as booked_with_card,
    from booked
    group by doctor_code
),

new_per_doctor as (
    select
        doctor_code,
        count(*) as booked_new_patients,
    from first_bookings_of_new
    group by doctor_code
),

appointment_history as (
    select
        grouping(doctor_code) = 1 as is_all,
        doctor_code,
        count(*) filter (where status = 'attended') as attended,
        count(*) filter (where status in ('attended', 'no_show', 'cancelled')) as resolved,
    from kept_appointments
    where scheduled_date between $history_from and $history_to
    group by grouping sets ((doctor_code), ())
),

visit_history as (
    select
        grouping(doctor_code) = 1 as is_all,
        doctor_code,
        sum(revenue) as revenue,
        counted_visits(single_part, visit_key, true) as visits,
    from filtered_visits($doctor, $department, $branch)
    where visit_date between $history_from and $history_to
    group by grouping sets ((doctor_code), ())
),

scope_rates as (
    select
        (select attended / nullif(resolved, 0) from appointment_history where is_all)
            as show_up,
        (select revenue / nullif(visits, 0) from visit_history where is_all)
            as revenue_per_visit,
),

per_doctor as (
    select
        booked_per_doctor.doctor,
        booked_per_doctor.booked,
        booked_per_doctor.booked_with_card,
        coalesce(new_per_doctor.booked_new_patients, 0) as booked_new_patients,
        coalesce(appointments.resolved, 0) as history_appointments,
        coalesce(visits.visits, 0) as history_visits,
        booked_per_doctor.doctor_code is not null
            and coalesce(appointments.resolved, 0) >= $min_history as own_show_up,
        booked_per_doctor.doctor_code is not null
            and coalesce(visits.visits, 0) >= $min_history as own_revenue_per_visit,
        case
            when own_show_up then appointments.attended / appointments.resolved
            else scope_rates.show_up
        end as show_up,
        case
            when own_revenue_per_visit then visits.revenue / visits.visits
            else scope_rates.revenue_per_visit
        end as revenue_per_visit,
    from booked_per_doctor
    cross join scope_rates
    left join new_per_doctor
        on new_per_doctor.doctor_code is not distinct from booked_per_doctor.doctor_code
    left join appointment_history as appointments
        on not appointments.is_all and appointments.doctor_code = booked_per_doctor.doctor_code
    left join visit_history as visits
        on not visits.is_all and visits.doctor_code = booked_per_doctor.doctor_code
),

doctor_rows as (
    select
        'doctor' as breakdown,
        doctor,
        booked,
        booked_with_card,
        booked_new_patients,
        history_appointments,
        history_visits,
        own_show_up,
        own_revenue_per_visit,
        show_up,
        revenue_per_visit,
        booked * show_up as expected_visits,
        booked * show_up * revenue_per_visit as expected_revenue,
        booked_new_patients * show_up as expected_new_patients,
    from per_doctor
),

all_row as (
    -- the sums of the doctors' rows; the rates are those of all the kept history
    select
        'all' as breakdown,
        null as doctor,
        coalesce(sum(booked), 0) as booked,
        coalesce(sum(booked_with_card), 0) as booked_with_card,
        coalesce(sum(booked_new_patients), 0) as booked_new_patients,
        (select coalesce(max(resolved), 0) from appointment_history where is_all)
            as history_appointments,
        (select coalesce(max(visits), 0) from visit_history where is_all) as history_visits,
        null as own_show_up,
        null as own_revenue_per_visit,
        (select show_up from scope_rates) as show_up,
        (select revenue_per_visit from scope_rates) as revenue_per_visit,
        -- a doctor's row without any rate to use leaves the sum unknown, not smaller
        case when count(expected_visits) = count(*) then coalesce(sum(expected_visits), 0.0)
        end as expected_visits,
        case when count(expected_revenue) = count(*) then coalesce(sum(expected_revenue), 0.0)
        end as expected_revenue,
        case
            when count(expected_new_patients) = count(*)
                then coalesce(sum(expected_new_patients), 0.0)
        end as expected_new_patients,
    from doctor_rows
),

combined as (
    select * from all_row
    union all by name
    select * from doctor_rows
),

final as (
    select *
    from combined
    order by breakdown = 'doctor', doctor nulls last
)

select * from final
