-- Whether the name-only group rows of a file head doctors' lines or patients' (DATA.md
-- "Grouped reports"): the most different patients among the lines under one of them, up to the
-- next group row. A doctor sees many patients; a report grouped by patient has one per group.
-- Grain: one row. No parameters. Reads `group_headers` (group_headers.sql) and `group_lines`
-- (groups.py: `_row` and `_patient`, the row's patient cell, of every row of the file).
with under_names as (
    select
        h._group_row,
        count(distinct l._patient) as patients,
    from group_lines as l
    asof inner join group_headers as h on l._row > h._group_row
    where h.is_by_name
    group by h._group_row
),

final as (
    select coalesce(max(patients), 0) as most_patients from under_names
)

select * from final
