-- Schema 1 -> 2 (issue 12): a services export may have no doctor column (DATA.md "services"),
-- and an appointment whose status word no list knows loads with status null, to be mapped on
-- the Данные page (DATA.md "Words the clinic maps"). Only constraints are relaxed: every
-- schema-1 row is a valid schema-2 row, so a schema-1 backup restores as it is
-- (clinic_bi/store/backup.py).
alter table services alter column doctor drop not null;
alter table appointments alter column status drop not null;
