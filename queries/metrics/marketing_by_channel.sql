-- Metric marketing_by_channel: spend, leads, new patients, CAC, CPL, ROMI and LTV/CAC per channel.
-- Grain: one row per channel that has spend in P, leads in P or new patients of P, by name.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all); they narrow the new patients and their revenue, as everywhere. $cohorts_from,
-- $cohorts_to: the twelve acquisition months LTV 12 мес. is measured on (Engine.marketing: the
-- newest twelve whole months whose every patient has 365 days behind them by data_end; null
-- when the data do not reach that far).
-- METRICS.md "Marketing: CAC, CPL, ROMI", "LTV" (Channel LTV).
--
-- spend(c, P) = marketing spend of c dated in P (a monthly row on the 1st of its month).
-- new_patients(c, P) = new patients of P (first(p) in P, a (filtered) line on first(p)) whose
-- acquisition channel is c. new_patient_revenue = their (filtered) revenue from first(p) to
-- data_end. cac = spend / new_patients and cpl = spend / leads, both null for a channel with no
-- spend rows in P (nothing was paid for it: no cost to speak of); romi = (revenue - spend) / spend.
-- ltv_12m_cohorts = revenue per new patient of c within 365 days of first(p), over the new
-- patients of the cohort months; ltv_to_cac_cohorts = ltv_12m_cohorts / the CAC of c in the same
-- months (spend then / new patients then). Every ratio is null when its denominator is 0.
-- Readings: spend and leads have no doctor, department or branch, so those filters narrow only
-- the new patients.
with

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
    from new_patients
    inner join dim_patients using (patient_num)
    group by dim_patients.acquisition_channel
),

cohort_spend as (
    select
        channel,
        sum(amount) as spend,
    from fct_marketing_spend
    where spend_date between $cohorts_from and $cohorts_to
    group by channel
),

cohorts as (
    -- the cohort months' new patients: every one has 365 days behind them (Engine.marketing)
    select
        dim_patients.acquisition_channel as channel,
        count(*) as new_patients,
        sum(cohort_patients.revenue_first_year) as revenue_first_year,
    from new_patients($cohorts_from, $cohorts_to, $doctor, $department, $branch) as cohort_patients
    inner join dim_patients using (patient_num)
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
        spend.channel is not null as has_spend,
        coalesce(spend.spend, 0) as spend,
        coalesce(leads_in_period.leads, 0) as leads,
        coalesce(acquired.new_patients, 0) as new_patients,
        coalesce(acquired.revenue, 0) as new_patient_revenue,
        cohorts.revenue_first_year / nullif(cohorts.new_patients, 0) as ltv_12m_cohorts,
        cohort_spend.spend / nullif(cohorts.new_patients, 0) as cac_cohorts,
    from channels
    left join spend using (channel)
    left join leads_in_period using (channel)
    left join acquired using (channel)
    left join cohorts using (channel)
    left join cohort_spend using (channel)
),

final as (
    select
        channel,
        spend,
        leads,
        new_patients,
        case when has_spend then spend / nullif(new_patients, 0) end as cac,
        case when has_spend then spend / nullif(leads, 0) end as cpl,
        new_patient_revenue,
        (new_patient_revenue - spend) / nullif(spend, 0) as romi,
        ltv_12m_cohorts,
        ltv_12m_cohorts / nullif(cac_cohorts, 0) as ltv_to_cac_cohorts,
    from joined
    order by channel
)

select * from final
