-- Save the clinic's choice for one word (the Данные page): insert, or replace an earlier choice.
-- Parameters: $field ('stage', 'status', 'channel'), $word (as the export spells it), $canonical.
-- The word is stored as its key: the same expression as word_key in
-- queries/models/macros/words.sql (a test checks that both agree).
insert or replace into word_choices
select
    $field as field,
    nullif(lower(regexp_replace(trim(replace(replace($word, 'ё', 'е'), 'Ё', 'Е')), '\s+', ' ', 'g')), '')
        as word,
    $canonical as canonical,
    current_localtimestamp() as saved_at;
