-- Rows of one file that repeat an id a later row of the same file also has: not loaded (the
-- later row wins), reported. Reads `parsed`. No parameters.
with loadable as (
    select _row, _row_hash from parsed where _ok and not _is_total
),

final as (
    select
        _row,
        _row_hash as value,
        max(_row) over (partition by _row_hash) as kept_row,
    from loadable
    qualify _row < kept_row
)

select * from final
