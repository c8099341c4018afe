-- Metric summary: the headline figures of a period.
-- Grain: one row.
-- Parameters: $date_from, $date_to (period P, days inclusive); $doctor, $department, $branch
-- (a list of names, or null for all); $return_window (H, days).
-- METRICS.md "Revenue and activity", "First and returning visits", "Return rate" (clinic),
-- "LTV" (ltv, ltv_12m).
--
-- The filters narrow the visits; first(p) comes from the whole history (fct_visits carries it).
-- The new patients (models/new_patients.sql) are also the cohort of the return rate and of LTV,
-- so return_cohort + not_yet_observable = new_patients.
with

facts as (
    select data_end from store_facts
),

visits_in_period as not materialized (
    -- read once per use below: each reads only the columns it needs
    select *
    from filtered_visits($doctor, $department, $branch)
    where visit_date between $date_from and $date_to
),

split_visits as (
    -- the visits with rows in two departments or branches (not fct_visits.single_part)
    select
        visit_key,
        bool_or(is_first_visit) as is_first_visit,
    from visits_in_period
    where not single_part
    group by visit_key
),

activity as (
    -- a row with single_part is a visit; a visit is first when it is on first(p)
    select
        coalesce(sum(revenue), 0) as revenue,
        count(*) filter (where single_part)
            + (select count(*) from split_visits) as visits,
        (select count(distinct patient_num) from visits_in_period) as patients,
        count(*) filter (where single_part and is_first_visit)
            + (select count(*) from split_visits where is_first_visit) as first_visits,
    from visits_in_period
),

new_patients as (
    select *
    from new_patients($date_from, $date_to, $doctor, $department, $branch)
),

cohorts as (
    select
        count(*) as new_patients,
        count(*) filter (
            where first_visit_date <= facts.data_end - $return_window
        ) as return_cohort,
        count(*) filter (
            where first_visit_date <= facts.data_end - $return_window
                and next_visit_date <= first_visit_date + $return_window
        ) as returned,
        count(*) filter (
            where first_visit_date > facts.data_end - $return_window
        ) as not_yet_observable,
        sum(revenue_to_date) as ltv_revenue,
        count(*) filter (where first_visit_date <= facts.data_end - 365) as ltv_12m_cohort,
        sum(revenue_first_year) filter (
            where first_visit_date <= facts.data_end - 365
        ) as ltv_12m_revenue,
    from new_patients
    cross join facts
),

final as (
    select
        facts.data_end,
        activity.revenue,
        activity.visits,
        activity.patients,
        activity.revenue / nullif(activity.visits, 0) as avg_check,
        activity.revenue / nullif(activity.patients, 0) as revenue_per_patient,
        activity.visits / nullif(activity.patients, 0) as visits_per_patient,
        cohorts.new_patients,
        activity.first_visits,
        activity.visits - activity.first_visits as returning_visits,
        (activity.visits - activity.first_visits) / nullif(activity.visits, 0) as returning_share,
        cohorts.return_cohort,
        cohorts.returned,
        cohorts.not_yet_observable,
        cohorts.returned / nullif(cohorts.return_cohort, 0) as return_rate,
        cohorts.new_patients as ltv_cohort,
        cohorts.ltv_revenue / nullif(cohorts.new_patients, 0) as ltv,
        cohorts.ltv_12m_cohort,
        cohorts.ltv_12m_revenue / nullif(cohorts.ltv_12m_cohort, 0) as ltv_12m,
    from activity
    cross join cohorts
    cross join facts
)

select * from final
