-- Metric marketing_by_month_and_channel: spend, leads, new patients and CAC per calendar month
-- and channel.
-- Grain: one row per (month, channel) with spend, leads or new patients, and one row per month
-- for all channels together (channel null); by month, the total first, then channels by name.
-- Parameters: $date_from, $date_to (period P; its first and last months count only their own
-- days); $doctor, $department, $branch (a list of names, or null for all; they narrow the new
-- patients, as in marketing_by_channel.sql).
-- METRICS.md "Marketing: CAC, CPL, ROMI", per month: the same definitions as
-- marketing_by_channel.sql with P cut into calendar months (a new patient counts in the month of first(p)).
with

spend as (
    select
        cast(date_trunc('month', spend_date) as date) as month,
        channel,
        sum(amount) as spend,
    from fct_marketing_spend
    where spend_date between $date_from and $date_to
    group by all
),

leads_in_period as (
    select
        cast(date_trunc('month', lead_date) as date) as month,
        channel,
        count(*) as leads,
    from fct_leads
    where lead_date between $date_from and $date_to
    group by all
),

acquired as (
    select
        cast(date_trunc('month', new_patients.first_visit_date) as date) as month,
        dim_patients.acquisition_channel as channel,
        count(*) as new_patients,
    from new_patients($date_from, $date_to, $doctor, $department, $branch) as new_patients
    inner join dim_patients using (patient_num)
    group by all
),

month_channels as (
    select month, channel from spend
    union
    select month, channel from leads_in_period
    union
    select month, channel from acquired
),

joined as (
    select
        month_channels.month,
        month_channels.channel,
        coalesce(spend.spend, 0) as spend,
        coalesce(leads_in_period.leads, 0) as leads,
        coalesce(acquired.new_patients, 0) as new_patients,
    from month_channels
    left join spend using (month, channel)
    left join leads_in_period using (month, channel)
    left join acquired using (month, channel)
),

totalled as (
    select
        month,
        channel,
        sum(spend) as spend,
        sum(leads) as leads,
        sum(new_patients) as new_patients,
    from joined
    group by grouping sets ((month), (month, channel))
),

final as (
    select
        month,
        channel,
        spend,
        cast(leads as bigint) as leads,
        cast(new_patients as bigint) as new_patients,
        spend / nullif(new_patients, 0) as cac,
        spend / nullif(leads, 0) as cpl,
    from totalled
    order by month, channel nulls first
)

select * from final
