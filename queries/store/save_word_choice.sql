-- Save the clinic's choice for one word (the Данные page): insert, or replace an earlier choice.
-- Parameters: $field ('stage', 'status', 'channel'), $word (as the export spells it), $canonical.
-- The word is stored as its key, word_key of queries/models/macros/words.sql (installed on the
-- connection by clinic_bi/ingest/word_choices.py).
insert or replace into word_choices
select
    $field as field,
    word_key($word) as word,
    $canonical as canonical,
    current_localtimestamp() as saved_at;
