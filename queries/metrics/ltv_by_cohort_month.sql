-- Metric ltv_by_cohort_month: cumulative revenue per patient of each acquisition-month cohort.
-- Grain: one row per (cohort_month, month_offset), offsets 0 .. the month of data_end.
-- Parameters: $date_from, $date_to (period P: which first visits form cohorts); $doctor,
-- $department, $branch (a list of names, or null for all).
-- METRICS.md "LTV" (Cohort curve).
--
-- Cohort m = new patients of P (first(p) in P, a (filtered) line on first(p)) whose first(p) is in
-- month m. Cell (m, k) = their (filtered) revenue from first(p) to the end of month m+k, divided
-- by the cohort size; null when month m+k ends after data_end (not fully observed yet).
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
),

revenue_by_offset as (
    select
        cohort_patients.cohort_month,
        date_diff(
            'month', cohort_patients.cohort_month, filtered_visits.visit_month
        ) as month_offset,
        sum(filtered_visits.revenue) as revenue,
    from cohort_patients
    inner join filtered_visits using (patient_num)
    group by all
),

cumulative as (
    select
        cells.cohort_month,
        cells.patients,
        cells.month_offset,
        sum(coalesce(revenue_by_offset.revenue, 0)) over (
            partition by cells.cohort_month order by cells.month_offset
        ) as cumulative_revenue,
    from cells
    left join revenue_by_offset using (cohort_month, month_offset)
),

final as (
    select
        cumulative.cohort_month,
        cumulative.patients,
        cumulative.month_offset,
        case
            when last_day(cumulative.cohort_month + to_months(cumulative.month_offset))
                <= facts.data_end
                then cumulative.cumulative_revenue / cumulative.patients
        end as revenue_per_patient,
    from cumulative
    cross join facts
    order by cumulative.cohort_month, cumulative.month_offset
)

select * from final
