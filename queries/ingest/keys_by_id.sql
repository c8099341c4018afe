-- Row keys for tables with an export id (leads, appointments, contracts, patients): the id.
-- Within one file, the last row of an id wins; earlier rows of the same id are reported by
-- duplicate_ids.sql. Reads `parsed`. No parameters.
with loadable as (
    select * from parsed where _ok and not _is_total
),

final as (
    select
        * exclude (_row_hash, _issues, _notes, _ok, _is_total),
        _row_hash as _key,
    from loadable
    qualify row_number() over (partition by _row_hash order by _row desc) = 1
)

select * from final
