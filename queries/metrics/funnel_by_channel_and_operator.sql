-- Metric funnel_by_channel_and_operator: lead -> booking -> visit -> contract, overall, per
-- channel and per operator.
-- Grain: one row with breakdown = 'all', one per channel ('channel'), one per operator
-- ('operator'); within a breakdown, by name (a lead without an operator: operator null, last).
-- Parameters: $date_from, $date_to (period P: leads created in it); $funnel_window (W, days).
-- METRICS.md "Funnel: lead -> booking -> visit -> contract".
--
-- Per lead (evidence from fct_leads; an offset <= W means a day in [lead day, lead day + W]):
--   booked     stage booked/visited/contracted, or an appointment with its lead_id, or an
--              appointment of its patient created (else scheduled) within the window
--   visited    stage visited/contracted, or such an appointment (by lead_id or within the window)
--              attended, or a service line of its patient within the window
--   contracted stage contracted, or a contract with its lead_id, or a contract of its patient
--              signed within the window
-- then the steps close downwards: contracted => visited => booked.
-- Reading: leads carry no doctor, department or branch, so those filters do not apply here.
with

leads_in_period as (
    select *
    from fct_leads
    where lead_date between $date_from and $date_to
),

evidence as (
    select
        lead_key,
        channel,
        operator,
        stage_step >= 1
            or has_appointment
            or coalesce(booked_after_days <= $funnel_window, false) as shows_booking,
        stage_step >= 2
            or has_attended
            or coalesce(attended_after_days <= $funnel_window, false)
            or coalesce(visit_after_days <= $funnel_window, false) as shows_visit,
        stage_step >= 3
            or has_contract
            or coalesce(contract_after_days <= $funnel_window, false) as shows_contract,
    from leads_in_period
),

steps as (
    select
        channel,
        operator,
        shows_contract as is_contracted,
        shows_visit or shows_contract as is_visited,
        shows_booking or shows_visit or shows_contract as is_booked,
    from evidence
),

counted as (
    select
        case
            when grouping(channel) = 0 then 'channel'
            when grouping(operator) = 0 then 'operator'
            else 'all'
        end as breakdown,
        channel,
        operator,
        count(*) as leads,
        count(*) filter (where is_booked) as booked,
        count(*) filter (where is_visited) as visited,
        count(*) filter (where is_contracted) as contracted,
    from steps
    group by grouping sets ((), (channel), (operator))
),

final as (
    select
        breakdown,
        channel,
        operator,
        leads,
        booked,
        visited,
        contracted,
        booked / nullif(leads, 0) as booking_rate,
        visited / nullif(booked, 0) as show_rate,
        contracted / nullif(visited, 0) as contract_rate,
        contracted / nullif(leads, 0) as overall_rate,
    from counted
    order by breakdown, channel nulls last, operator nulls last
)

select * from final
