-- Metric ltv_at_age_in_period: LTV at equal age, the LTV a comparison compares.
-- Grain: one row.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all); $age (A: 90, 180 or 365 days).
-- METRICS.md "LTV" (ltv_at_age): the new patients of P whose first visit is at least A days
-- before data_end (the cohort), and their revenue on days before first(p) + A, per patient. The
-- same new patients as every other figure (models/macros/new_patients.sql).
with

facts as (
    select data_end from store_facts
),

new_patients as (
    select *
    from new_patients($date_from, $date_to, $doctor, $department, $branch)
),

cohort as (
    select
        count(*) as new_patients,
        count(*) filter (where is_observable(first_visit_date, facts.data_end, $age)) as cohort,
        sum(case $age when 90 then revenue_90d when 180 then revenue_180d
                      else revenue_first_year end)
            filter (where is_observable(first_visit_date, facts.data_end, $age)) as revenue,
    from new_patients
    cross join facts
),

final as (
    select
        new_patients,
        cohort,
        revenue / nullif(cohort, 0) as ltv,
    from cohort
)

select * from final
