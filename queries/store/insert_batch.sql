-- Put one upload's keyed rows into canonical table {table}; the loader appends the keys query
-- (queries/ingest/keys_by_*.sql) in parentheses. Parameters: $batch_id.
-- {table} is one of clinic_bi.store.TABLES (never user input).
insert into {table} by name
select *, $batch_id as _batch_id from
