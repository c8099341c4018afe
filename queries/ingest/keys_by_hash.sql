-- Row keys for tables without an export id (services, marketing_spend, reviews): the hash of the
-- mapped row plus its occurrence number among identical rows of the same file, so two genuinely
-- identical lines both stay, and the same lines exported again replace themselves (DATA.md
-- "Loading rules"). Reads `parsed` (one table's parsed rows). No parameters.
--
-- Most hashes occur once (occurrence 1). Only the rows of repeated hashes are numbered: a window
-- over all rows would carry every column of a million rows through its sort (~1.5 s of thread
-- time at 1M lines); numbering the few repeated ones and joining them back by `_row` costs a
-- group-by of the hashes.
with loadable as not materialized (
    select * from parsed where _ok and not _is_total
),

repeated_hashes as (
    select _row_hash from loadable group by _row_hash having count(*) > 1
),

occurrences as (
    select
        _row,
        row_number() over (partition by _row_hash order by _row) as occurrence,
    from loadable
    where _row_hash in (select _row_hash from repeated_hashes)
),

final as (
    select
        loadable.* exclude (_row_hash, _issues, _notes, _ok, _is_total),
        _row_hash || '-' || coalesce(occurrences.occurrence, 1) as _key,
    from loadable
    left join occurrences on occurrences._row = loadable._row
)

select * from final
