-- Metric activity_in_period: the headline figures of a period.
-- Grain: one row.
-- Parameters: $date_from, $date_to (period P, days inclusive); $doctor, $department, $branch
-- (a list of names, or null for all); $return_window (H, days).
-- METRICS.md "Revenue and activity", "First and returning visits", "Return rate" (clinic),
-- "LTV" (ltv, ltv_12m).
--
-- The filters narrow the visits; first(p) comes from the whole history (fct_visits carries it).
-- The shared rules (counted_visits, is_observable, returned_within) are macros beside
-- kept_by_filters in models/macros/filtered_visits.sql.
-- The new patients (models/macros/new_patients.sql) are also the cohort of the return rate and
-- of LTV, so return_cohort + not_yet_observable = new_patients.
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

activity as (
    -- a visit is first when it is on first(p) (a part of it is)
    select
        coalesce(sum(revenue), 0) as revenue,
        counted_visits(single_part, visit_key, true) as visits,
        (select count(distinct patient_num) from visits_in_period) as patients,
        counted_visits(single_part, visit_key, is_first_visit) as first_visits,
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
            where is_observable(first_visit_date, facts.data_end, $return_window)
        ) as return_cohort,
        count(*) filter (
            where is_observable(first_visit_date, facts.data_end, $return_window)
                and returned_within(first_visit_date, next_visit_date, $return_window)
        ) as returned,
        count(*) filter (
            where not is_observable(first_visit_date, facts.data_end, $return_window)
        ) as not_yet_observable,
        sum(revenue_to_date) as ltv_revenue,
        count(*) filter (
            where is_observable(first_visit_date, facts.data_end, 365)
        ) as ltv_12m_cohort,
        sum(revenue_first_year) filter (
            where is_observable(first_visit_date, facts.data_end, 365)
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
