-- Model cohorts: table macros shared by the cohort curves (ltv_by_cohort_month.sql) and the
-- retention heatmap (retention_by_cohort_month.sql), so both read the same cohorts.
-- Grain: cohort_patients, one row per new patient of the period (models/macros/new_patients.sql)
-- with the month of first(p), cohort_month; cohort_cells, one row per (cohort_month,
-- month_offset) from offset 0 to the month of data_end, with the cohort's size.
-- Parameters: none at build time; when called, period_from, period_to, doctor_names,
-- department_names, branch_names, as new_patients takes them.
-- METRICS.md "LTV" (Cohort curve).
create or replace temp macro cohort_patients(
    period_from, period_to, doctor_names, department_names, branch_names
) as table
with

final as (
    select
        patient_num,
        cast(date_trunc('month', first_visit_date) as date) as cohort_month,
    from new_patients(period_from, period_to, doctor_names, department_names, branch_names)
)

select * from final;

create or replace temp macro cohort_cells(
    period_from, period_to, doctor_names, department_names, branch_names
) as table
with

cohort_sizes as (
    select
        cohort_month,
        count(*) as patients,
    from cohort_patients(period_from, period_to, doctor_names, department_names, branch_names)
    group by cohort_month
),

final as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.patients,
        unnest(
            range(0, date_diff('month', cohort_sizes.cohort_month, store_facts.data_end) + 1)
        ) as month_offset,
    from cohort_sizes
    cross join store_facts
)

select * from final
