-- Metric quality_by_doctor: ratings and waiting time, overall and per doctor.
-- Grain: one row with breakdown = 'all', then one per doctor ('doctor', by name, no doctor last)
-- that has a review or an attended appointment in P.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "Quality of service".
--
-- reviews, avg_rating, negative_share: reviews dated in P (fct_reviews: avg over the 5-point
-- rating, negative = <= 3 of 5 or <= 6 of 10). avg_wait_min: attended appointments scheduled in P
-- with a known wait (fct_appointments.wait_min).
-- Reading: reviews carry only a doctor, so the department and branch filters narrow the waiting
-- time (appointments have both) but not the reviews.
with

reviews_in_period as (
    select *
    from fct_reviews
    where review_date between $date_from and $date_to
        and kept_by_filters(doctor_code, null, null, $doctor, null, null)
),

waits_in_period as (
    select *
    from fct_appointments
    where scheduled_date between $date_from and $date_to
        and status = 'attended'
        and wait_min is not null
        and kept_by_filters(
            doctor_code, department_code, branch_code, $doctor, $department, $branch
        )
),

review_stats as (
    select
        case when grouping(doctor) = 0 then 'doctor' else 'all' end as breakdown,
        doctor,
        count(*) as reviews,
        avg(rating_5) as avg_rating,
        count(*) filter (where is_negative) as negative_reviews,
    from reviews_in_period
    group by grouping sets ((), (doctor))
),

wait_stats as (
    select
        case when grouping(doctor) = 0 then 'doctor' else 'all' end as breakdown,
        doctor,
        count(*) as timed_appointments,
        avg(wait_min) as avg_wait_min,
    from waits_in_period
    group by grouping sets ((), (doctor))
),

breakdown_keys as (
    select 'all' as breakdown, null::varchar as doctor
    union
    select breakdown, doctor from review_stats where breakdown = 'doctor'
    union
    select breakdown, doctor from wait_stats where breakdown = 'doctor'
),

final as (
    select
        breakdown_keys.breakdown,
        breakdown_keys.doctor,
        coalesce(review_stats.reviews, 0) as reviews,
        review_stats.avg_rating,
        review_stats.negative_reviews / nullif(review_stats.reviews, 0) as negative_share,
        coalesce(wait_stats.timed_appointments, 0) as timed_appointments,
        wait_stats.avg_wait_min,
    from breakdown_keys
    left join review_stats
        on review_stats.breakdown = breakdown_keys.breakdown
        and review_stats.doctor is not distinct from breakdown_keys.doctor
    left join wait_stats
        on wait_stats.breakdown = breakdown_keys.breakdown
        and wait_stats.doctor is not distinct from breakdown_keys.doctor
    order by breakdown_keys.breakdown, breakdown_keys.doctor nulls last
)

select * from final
