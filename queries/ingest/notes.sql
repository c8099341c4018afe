-- The file's notes: for each rule that read a cell other than as written (the `_notes` keys of
-- queries/ingest/<table>.sql), the number of loaded rows it read; clinic_bi/ingest/messages.py
-- words each in a sentence. Reads `parsed` (one table's parsed rows). No parameters. DATA.md
-- "Reading cells".
with counted as (
    select note, count(*) as n_rows,
    from (select unnest(_notes) as note from parsed where _ok and not _is_total)
    where note is not null
    group by note
),

final as (
    select note, n_rows from counted order by note
)

select * from final
