-- Metric retention_by_cohort_month: the share of each acquisition-month cohort seen again in
-- each later calendar month (the retention heatmap).
-- Grain: one row per (cohort_month, month_offset), offsets 1 .. the month of data_end.
-- Parameters: $date_from, $date_to (period P: which first visits form cohorts); $doctor,
-- $department, $branch (a list of names, or null for all).
-- METRICS.md "LTV" (Cohort curve: the same cohorts), "First and returning visits".
--
-- Cohort m = the new patients of P (models/macros/new_patients.sql) whose first(p) is in month
-- m, as in ltv_by_cohort_month.sql. Cell (m, k) = cohort members with a (filtered) visit in
-- calendar month m+k / the cohort size; null when month m+k ends after data_end (not over yet).
with

facts as (
    select data_end from store_facts
),

filtered_visits as (
    select * from filtered_visits($doctor, $department, $branch)
),

cohort_patients as (
    select * from cohort_patients($date_from, $date_to, $doctor, $department, $branch)
),

cells as (
    select * from cohort_cells($date_from, $date_to, $doctor, $department, $branch)
    where month_offset >= 1
),

patient_months as (
    select distinct
        cohort_patients.cohort_month,
        cohort_patients.patient_num,
        date_diff(
            'month', cohort_patients.cohort_month, filtered_visits.visit_month
        ) as month_offset,
    from cohort_patients
    inner join filtered_visits using (patient_num)
),

returned_by_offset as (
    select
        cohort_month,
        month_offset,
        count(*) as returned,
    from patient_months
    group by cohort_month, month_offset
),

final as (
    select
        cells.cohort_month,
        cells.patients,
        cells.month_offset,
        case
            when last_day(cells.cohort_month + to_months(cells.month_offset)) <= facts.data_end
                then coalesce(returned_by_offset.returned, 0) / cells.patients
        end as retention,
    from cells
    cross join facts
    left join returned_by_offset using (cohort_month, month_offset)
    order by cells.cohort_month, cells.month_offset
)

select * from final
