-- Model filtered_visits: a table macro, the one place the sidebar filters narrow the visits.
-- Grain: one row per visit of fct_visits that the filters keep.
-- Parameters: none at build time; when called, doctor_names, department_names, branch_names (lists,
-- or null for all), which metric queries pass on from their bound $doctor, $department, $branch.
-- METRICS.md "Common terms" (Filters): they narrow the lines every figure is computed from, while
-- first(p) stays the whole history's (fct_visits carries it on every row).
--
-- kept_by_filters: the filter rule itself, for every model that keeps the three attributes'
-- codes (fct_visits, fct_patient_members): the lists of names become the set of their codes
-- (dim_names), and each row's integer codes are looked up in it.
create or replace temp macro kept_by_filters(
    doctor_code, department_code, branch_code, doctor_names, department_names, branch_names
) as
    (
        doctor_names is null or doctor_code in (
            select code from dim_names
            where attribute = 'doctor' and list_contains(doctor_names, name)
        )
    )
    and (
        department_names is null or department_code in (
            select code from dim_names
            where attribute = 'department' and list_contains(department_names, name)
        )
    )
    and (
        branch_names is null or branch_code in (
            select code from dim_names
            where attribute = 'branch' and list_contains(branch_names, name)
        )
    );

create or replace temp macro filtered_visits(doctor_names, department_names, branch_names) as table
with

final as (
    select *
    from fct_visits
    where kept_by_filters(
        doctor_code, department_code, branch_code, doctor_names, department_names, branch_names
    )
)

select * from final
