-- Model words: macros that compare the exports' words (CRM stages, appointment statuses,
-- channels) with the clinic's own choices (store table word_choices, saved on the Данные page).
-- Grain: none (macros only). Parameters: none.
-- DATA.md "Words the clinic maps" (stage, status, channel); METRICS.md "Funnel" (stages),
-- "Appointment show-up" (statuses), "Marketing" (channels).
--
-- word_key: the word as a key: lower case, ё as е, runs of spaces as one, trimmed; empty is null.
-- It must agree with queries/store/save_word_choice.sql, which stores the key (a test checks).
create or replace temp macro word_key(x) as
    nullif(lower(regexp_replace(trim(replace(replace(x, 'ё', 'е'), 'Ё', 'Е')), '\s+', ' ', 'g')), '');

-- channel_key: a channel's key; the words an export writes for "no channel" are no channel.
create or replace temp macro channel_key(x) as
    case
        when word_key(x) in ('null', 'none', 'nan', 'n/a', '-', '—', '–', 'нет', 'н/д',
                             'не указан', 'не указано', 'unknown')
            then null
        else word_key(x)
    end;
