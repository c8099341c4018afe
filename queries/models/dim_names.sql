-- Model dim_names: a small integer code for each doctor, department and branch name, so that the
-- sidebar filters compare integers instead of strings on every visit row.
-- Grain: one row per (attribute, name) found in the visits; attribute is 'doctor', 'department'
-- or 'branch'. Null names have no code (a list filter never keeps a row without the attribute).
-- Parameters: none (built once per data_version).
-- METRICS.md "Common terms" (Filters): kept_by_filters (models/filtered_visits.sql) turns the
-- lists of names into these codes.
create or replace temp table dim_names as
with

names as (
    select distinct 'doctor' as attribute, doctor as name from stg_visits where doctor is not null
    union all
    select distinct 'department', department from stg_visits where department is not null
    union all
    select distinct 'branch', branch from stg_visits where branch is not null
),

final as (
    select
        attribute,
        name,
        cast(row_number() over (partition by attribute order by name) as integer) as code,
    from names
)

select * from final
