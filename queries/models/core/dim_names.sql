-- Model dim_names: a small integer code for each doctor, department and branch name, so that the
-- sidebar filters compare integers instead of strings on every row.
-- Grain: one row per (attribute, name) found in the visits, the appointments or the reviews;
-- attribute is 'doctor', 'department' or 'branch'. Null names have no code (a list filter never
-- keeps a row without the attribute).
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (Filters): kept_by_filters (models/macros/filtered_visits.sql) turns the
-- lists of names into these codes, for every table that carries a name (fct_visits,
-- fct_service_lines, fct_appointments, fct_reviews): a name only the schedule or the reviews
-- know has a code too, so a filter on it keeps their rows.
create or replace temp table dim_names as
with

names as (
    select 'doctor' as attribute, doctor as name from stg_visits
    union
    select 'department', department from stg_visits
    union
    select 'branch', branch from stg_visits
    union
    select 'doctor', doctor from appointments
    union
    select 'department', department from appointments
    union
    select 'branch', branch from appointments
    union
    select 'doctor', doctor from reviews
),

final as (
    select
        attribute,
        name,
        cast(row_number() over (partition by attribute order by name) as integer) as code,
    from names
    where name is not null
)

select * from final
