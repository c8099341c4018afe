-- Remove one upload ($batch_id) from canonical table {table}, leaving the table as if the upload
-- had never been loaded: its rows go, its superseded copies go, and for every key it held the
-- latest earlier version (from the upload it had replaced) comes back, and so do the rows of an
-- earlier version of the export that it had superseded (superseded_rows: no longer in its file).
-- {table} is one of clinic_bi.store.TABLES (never user input).
create or replace temp table removed_keys as
select _key from {table} where _batch_id = $batch_id
union
select _key from superseded_rows where kind = '{table}' and batch_id = $batch_id;

delete from {table} where _batch_id = $batch_id;

delete from {table}__replaced where _batch_id = $batch_id;

create or replace temp table restored as
select * from {table}__replaced
where _key in (select _key from removed_keys)
    and _key not in (select _key from {table})
qualify row_number() over (partition by _key order by _batch_id desc) = 1;

delete from {table}__replaced as h
using restored as r
where h._key = r._key and h._batch_id = r._batch_id;

insert into {table} by name select * from restored;

delete from superseded_rows
where kind = '{table}' and (batch_id = $batch_id or _batch_id = $batch_id);

drop table removed_keys;

drop table restored;
