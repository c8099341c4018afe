-- The group header rows of a grouped MIS report (DATA.md "Grouped reports"): the rows whose one
-- filled cell names the doctor, department or branch of the lines below them.
-- Grain: one row per such row of the file. Parameters: $by_name, whether a cell holding only a
-- person's name (no label) heads a doctor group (services without a doctor column: groups.py).
-- Reads `group_cells` (groups.py: `_row` and `_cells`, the row's cells, of the rows that may
-- have one filled cell: a row with exactly one is kept). Macros: group_label, group_value,
-- looks_like_person (_macros.sql).
with single as (
    select _row, list_filter(_cells, lambda x: is_filled(x)) as filled from group_cells
),

cleaned as (
    select _row, clean_text(filled[1]) as _cell from single where len(filled) = 1
),

labelled as (
    select
        _row,
        _cell,
        group_label(_cell) as attribute,
    from cleaned
),

final as (
    select
        _row as _group_row,
        coalesce(attribute, 'doctor') as attribute,
        case when attribute is not null then group_value(_cell) else _cell end as value,
        attribute is null as is_by_name,
        _cell as cell_text,
    from labelled
    where attribute is not null or ($by_name and looks_like_person(_cell))
)

select * from final
