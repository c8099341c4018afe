-- Metric revenue_by_service: the breakdown by service, with ABC class and revenue per hour.
-- Grain: one row per service with a (filtered) line in P, by revenue descending (ties by name).
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "Services", "Revenue and activity" (quantity, share).
--
-- ABC: sort by revenue descending; A while the cumulative share of the services before it is
-- < 80 %, B while < 95 %, else C (compared in exact decimals, so 80 % is never a rounding call).
-- Readings: with a period total <= 0 the shares mean nothing and abc is null (share itself is null
-- only for a total of 0). revenue_per_hour uses only the lines that have a duration_min, on both
-- sides (revenue of the timed lines / their planned hours), so a service whose duration is known
-- for some lines is not flattered; null when no line has a duration or the planned hours are
-- <= 0 (a booking and its refund cancel out).
with

lines_in_period as not materialized (
    -- read once per use below: each reads only the columns it needs
    select *
    from fct_service_lines
    where visit_date between $date_from and $date_to
        and kept_by_filters(
            doctor_code, department_code, branch_code, $doctor, $department, $branch
        )
),

service_patients as (
    -- grouped explicitly: count(distinct ...) made DuckDB materialise every line of P first
    select
        service,
        count(*) as patients,
    from (select distinct service, patient_id from lines_in_period)
    group by service
),

service_sums as (
    select
        service,
        sum(quantity) as quantity,
        sum(amount) as revenue,
        sum(amount) filter (where duration_min is not null) as timed_revenue,
        sum(quantity * duration_min) filter (where duration_min is not null) as planned_minutes,
    from lines_in_period
    group by service
),

per_service as (
    select
        service_sums.*,
        service_patients.patients,
    from service_sums
    inner join service_patients
        on service_patients.service is not distinct from service_sums.service
),

ranked as (
    select
        *,
        sum(revenue) over () as total_revenue,
        coalesce(
            sum(revenue) over (
                order by revenue desc, service
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as revenue_before,
    from per_service
),

final as (
    select
        service,
        quantity,
        revenue,
        revenue / nullif(total_revenue, 0) as share,
        case
            when total_revenue <= 0 then null
            when revenue_before < 0.80 * total_revenue then 'A'
            when revenue_before < 0.95 * total_revenue then 'B'
            else 'C'
        end as abc,
        revenue / nullif(quantity, 0) as avg_price,
        patients,
        case
            when planned_minutes > 0 then timed_revenue / (planned_minutes / 60)
        end as revenue_per_hour,
    from ranked
    order by revenue desc, service
)

select * from final
