-- Model filtered_visits: a table macro, the one place the sidebar filters narrow the visits, and
-- beside it the metric rules every query shares (scalar and aggregate macros, one definition
-- each; the metric queries and the models call them instead of writing a rule again).
-- Grain: one row per visit of fct_visits that the filters keep.
-- Parameters: none at build time; when called, doctor_names, department_names, branch_names (lists,
-- or null for all), which metric queries pass on from their bound $doctor, $department, $branch.
-- METRICS.md "Common terms" (Filters): they narrow the lines every figure is computed from, while
-- first(p) stays the whole history's (fct_visits carries it on every row).

-- kept_by_filters, METRICS.md "Common terms" (Filters): the filter rule itself, for every model
-- that keeps the three attributes' codes (dim_names: fct_visits, fct_patient_members,
-- fct_service_lines, fct_appointments, fct_reviews): the lists of names become the set of their
-- codes, and each row's integer codes are looked up in it. A row without the attribute (code
-- null) does not pass a filter on it; pass null for a list the rows cannot be narrowed by.
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

-- counted_visits, METRICS.md "Revenue and activity" (visits: distinct visit keys) and "First and
-- returning visits" (first_visits): an aggregate over rows of fct_visits, for any grain (the
-- period, a month, a member of a breakdown): the visits among the group's rows for which `kept`
-- holds. A single_part row is a whole visit; the rows of split visits count once per visit_key
-- (spelled out on those rows only: a visit counts once in a group however many of its parts the
-- group holds, and the group's split visits are grouped by key, never the whole period's rows).
create or replace temp macro counted_visits(single_part, visit_key, kept) as
    count(*) filter (where single_part and kept)
    + count(distinct visit_key) filter (where not single_part and kept);

-- next_visit_after, METRICS.md "Return rate" (a visit on a day d > the first day): an aggregate
-- over one patient's kept rows of fct_patient_members (first_date and second_date, the row's
-- earliest and next later day), given the group's first day `first_day` (<= every first_date):
-- the next later day of the patient in the group. A row starting on first_day comes back on its
-- second_date, a row starting later on its first_date; null when there is no later day.
create or replace temp macro next_visit_after(first_date, second_date, first_day) as
    min(case when first_date > first_day then first_date else second_date end);

-- is_observable, METRICS.md "Return rate" (cohort: first <= data_end - H; later: not yet
-- observable) and "LTV" (ltv_12m: first(p) <= data_end - 365): a window of window_days from
-- first_day is over by data_end.
create or replace temp macro is_observable(first_day, data_end, window_days) as
    first_day <= data_end - window_days;

-- returned_within, METRICS.md "Return rate" (returned: a visit on a day d with
-- first < d <= first + H): next_day is the next later visit day (next_visit_after).
create or replace temp macro returned_within(first_day, next_day, window_days) as
    next_day <= first_day + window_days;

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
