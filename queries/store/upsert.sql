-- Write one upload's rows into canonical table {table}. The loader puts the keyed rows in
-- first (`insert into {table} ... from (<keys query>)`, no temp copy); then an earlier version
-- of any key this upload also brought moves to {table}__replaced, so that removing this upload
-- can restore it, and leaves the table. Parameters: $batch_id. Runs inside the load's
-- transaction; {table} is one of clinic_bi.store.TABLES (never user input).
insert into {table}__replaced
select * from {table}
where _batch_id <> $batch_id
    and _key in (select _key from {table} where _batch_id = $batch_id);

delete from {table}
where _batch_id <> $batch_id
    and _key in (select _key from {table} where _batch_id = $batch_id);
