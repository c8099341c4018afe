-- Write one upload's rows (temp table `incoming`, keyed) into canonical table {table}.
-- A key the store already holds is replaced; its earlier version moves to {table}__replaced so
-- that removing this upload can restore it. Parameters: $batch_id. Runs inside the load's
-- transaction; {table} is one of clinic_bi.store.TABLES (never user input).
insert into {table}__replaced
select * from {table} where _key in (select _key from incoming);

delete from {table} where _key in (select _key from incoming);

insert into {table} by name
select *, $batch_id as _batch_id from incoming;
