-- UI-side metric retention_cohorts (to move into queries/metrics/ once the engine offers it):
-- the share of each acquisition-month cohort that comes back in each later calendar month.
-- Grain: one row per (cohort_month, month_offset), offsets 1 .. the month of data_end.
-- Parameters: $date_from, $date_to (period P: which first visits form cohorts); $doctor,
-- $department, $branch (a list of names, or null for all).
-- Reads the engine's model fct_visits (built from queries/models/, never re-derived here).
-- METRICS.md "LTV" (Cohort curve: the same cohorts), "First and returning visits".
--
-- Cohort m = new patients of P (first(p) in P, a (filtered) line on first(p)) whose first(p) is in
-- month m, exactly as in ltv_cohorts.sql. Cell (m, k) = cohort members with a (filtered) visit in
-- calendar month m+k / the cohort size; null when month m+k ends after data_end (not over yet).
with

facts as (
    select max(visit_date) as data_end from fct_visits
),

filtered_visits as (
    select *
    from fct_visits
    where ($doctor is null or list_contains($doctor, doctor))
        and ($department is null or list_contains($department, department))
        and ($branch is null or list_contains($branch, branch))
),

cohort_patients as (
    select
        patient_id,
        cast(date_trunc('month', first_visit_date) as date) as cohort_month,
    from filtered_visits
    where first_visit_date between $date_from and $date_to
    group by patient_id, first_visit_date
    having bool_or(is_first_visit)
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as patients,
    from cohort_patients
    group by cohort_month
),

cells as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.patients,
        unnest(
            range(1, date_diff('month', cohort_sizes.cohort_month, facts.data_end) + 1)
        ) as month_offset,
    from cohort_sizes
    cross join facts
),

visits_by_offset as (
    select
        cohort_patients.cohort_month,
        date_diff(
            'month', cohort_patients.cohort_month, filtered_visits.visit_month
        ) as month_offset,
        count(distinct cohort_patients.patient_id) as returned,
    from cohort_patients
    inner join filtered_visits using (patient_id)
    group by all
),

final as (
    select
        cells.cohort_month,
        cells.patients,
        cells.month_offset,
        case
            when last_day(cells.cohort_month + to_months(cells.month_offset)) <= facts.data_end
                then coalesce(visits_by_offset.returned, 0) / cells.patients
        end as retention,
    from cells
    cross join facts
    left join visits_by_offset using (cohort_month, month_offset)
    order by cells.cohort_month, cells.month_offset
)

select * from final
