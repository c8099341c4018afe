-- Model filtered_visits: a table macro, the one place the sidebar filters narrow the visits.
-- Grain: one row per visit of fct_visits that the filters keep.
-- Parameters: none at build time; when called, doctor_names, department_names, branch_names (lists,
-- or null for all), which metric queries pass on from their bound $doctor, $department, $branch.
-- METRICS.md "Common terms" (Filters): they narrow the lines every figure is computed from, while
-- first(p) stays the whole history's (fct_visits carries it on every row).
--
-- kept_by_filters: the filter rule itself, for the models that keep the three attributes
-- (fct_patient_members).
create or replace temp macro kept_by_filters(
    doctor, department, branch, doctor_names, department_names, branch_names
) as
    (doctor_names is null or list_contains(doctor_names, doctor))
    and (department_names is null or list_contains(department_names, department))
    and (branch_names is null or list_contains(branch_names, branch));

create or replace temp macro filtered_visits(doctor_names, department_names, branch_names) as table
with

final as (
    select *
    from fct_visits
    where kept_by_filters(doctor, department, branch, doctor_names, department_names, branch_names)
)

select * from final
