-- The groups in force from each group header row of a grouped MIS report down to the next one
-- (DATA.md "Grouped reports"): a header replaces the group of its kind and clears the groups
-- inside it (branch, then department, then doctor: a new department clears the doctor).
-- Grain: one row per group header row kept. Parameters: $names_ok, whether the name-only rows
-- are doctor groups (group_patients.sql). Reads `group_headers` (group_headers.sql).
with kept as (
    select
        _group_row,
        value,
        case attribute when 'branch' then 0 when 'department' then 1 else 2 end as level,
    from group_headers
    where not is_by_name or $names_ok
),

final as (
    select
        _group_row,
        -- a one-element list: a header with no value (or a branch header, for the department)
        -- clears the group, which `ignore nulls` would skip over as NULL
        case when level = 2 then value end as _group_doctor,
        (last_value(case when level <= 1 then [case when level = 1 then value end] end ignore nulls)
            over rows_so_far)[1] as _group_department,
        (last_value(case when level = 0 then [value] end ignore nulls) over rows_so_far)[1]
            as _group_branch,
    from kept
    window rows_so_far as (order by _group_row rows between unbounded preceding and current row)
)

select * from final
