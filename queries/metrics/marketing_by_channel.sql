-- Metric marketing_by_channel: spend, leads, new patients, CAC, CPL, ROMI and LTV/CAC per channel.
-- Grain: one row per channel that has spend in P, leads in P or new patients of P, by name.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all); they narrow the new patients and their revenue, as everywhere.
-- METRICS.md "Marketing: CAC, CPL, ROMI", "LTV" (Channel LTV).
--
-- spend(c, P) = marketing spend of c dated in P (a monthly row on the 1st of its month).
-- new_patients(c, P) = new patients of P (first(p) in P, a (filtered) line on first(p)) whose
-- acquisition channel is c. revenue = their (filtered) revenue from first(p) to data_end.
-- cac = spend / new_patients; cpl = spend / leads; romi = (revenue - spend) / spend;
-- ltv_12m as in activity_in_period.sql over the channel's new patients; ltv_to_cac = ltv_12m / cac.
-- Every ratio is null when its denominator is 0 (a month of spend without new patients: cac null).
-- Readings: spend and leads have no doctor, department or branch, so those filters narrow only
-- the new patients; a channel with no spend rows in P has spend 0 (its cac is then 0: acquired
-- for nothing, which is what the data says).
with

facts as (
    select data_end from store_facts
),

spend as (
    select
        channel,
        sum(amount) as spend,
    from fct_marketing_spend
    where spend_date between $date_from and $date_to
    group by channel
),

leads_in_period as (
    select
        channel,
        count(*) as leads,
    from fct_leads
    where lead_date between $date_from and $date_to
    group by channel
),

new_patients as (
    select *
    from new_patients($date_from, $date_to, $doctor, $department, $branch)
),

acquired as (
    select
        dim_patients.acquisition_channel as channel,
        count(*) as new_patients,
        sum(new_patients.revenue_to_date) as revenue,
        count(*) filter (
            where is_observable(new_patients.first_visit_date, facts.data_end, 365)
        ) as ltv_12m_cohort,
        sum(new_patients.revenue_first_year) filter (
            where is_observable(new_patients.first_visit_date, facts.data_end, 365)
        ) as ltv_12m_revenue,
    from new_patients
    inner join dim_patients using (patient_num)
    cross join facts
    group by dim_patients.acquisition_channel
),

channels as (
    select channel from spend
    union
    select channel from leads_in_period
    union
    select channel from acquired
),

joined as (
    select
        channels.channel,
        coalesce(spend.spend, 0) as spend,
        coalesce(leads_in_period.leads, 0) as leads,
        coalesce(acquired.new_patients, 0) as new_patients,
        coalesce(acquired.revenue, 0) as revenue,
        acquired.ltv_12m_revenue / nullif(acquired.ltv_12m_cohort, 0) as ltv_12m,
    from channels
    left join spend using (channel)
    left join leads_in_period using (channel)
    left join acquired using (channel)
),

final as (
    select
        channel,
        spend,
        leads,
        new_patients,
        spend / nullif(new_patients, 0) as cac,
        spend / nullif(leads, 0) as cpl,
        revenue,
        (revenue - spend) / nullif(spend, 0) as romi,
        ltv_12m,
        ltv_12m / nullif(spend / nullif(new_patients, 0), 0) as ltv_to_cac,
    from joined
    order by channel
)

select * from final
