-- Metric revenue_by_channel: the period's revenue by the patients' acquisition channel.
-- Grain: one row per acquisition channel with a (filtered) visit in P, by revenue descending
-- (ties by name). Every patient has one channel ('unknown' when none is known: dim_patients), so
-- the rows' revenue adds up to the period's revenue exactly.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "What changed" (by channel), "Marketing" (acquisition channel).
with

visits_in_period as not materialized (
    select
        filtered.revenue,
        filtered.single_part,
        filtered.visit_key,
        filtered.patient_num,
        dim_patients.acquisition_channel as channel,
    from filtered_visits($doctor, $department, $branch) as filtered
    inner join dim_patients
        on dim_patients.patient_num = filtered.patient_num
    where filtered.visit_date between $date_from and $date_to
),

final as (
    -- counted_visits: models/macros/filtered_visits.sql
    select
        channel,
        sum(revenue) as revenue,
        counted_visits(single_part, visit_key, true) as visits,
        count(distinct patient_num) as patients,
    from visits_in_period
    group by channel
    order by revenue desc, channel
)

select * from final
