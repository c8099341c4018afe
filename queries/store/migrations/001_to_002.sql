-- Schema 1 -> 2 (issue 12): a services export may have no doctor column (DATA.md "services"),
-- and an appointment whose status word no list knows loads with status null, to be mapped on
-- the Данные page (DATA.md "Words the clinic maps"). Only constraints are relaxed: every
-- schema-1 row is a valid schema-2 row, so a schema-1 backup restores as it is
-- (clinic_bi/store/backup.py).
alter table services alter column doctor drop not null;
alter table appointments alter column status drop not null;
-- the journal keeps each file's reconciliation with its own totals (issue 12, item 11): new
-- columns at the end, null for the uploads before
alter table batches add column if not exists file_total decimal(18, 2);
alter table batches add column if not exists total_source varchar;
alter table batches add column if not exists loaded_total decimal(18, 2);
alter table batches add column if not exists rejected_total decimal(18, 2);
alter table batches add column if not exists rejected_unread integer;
alter table appointments alter column status drop not null;
