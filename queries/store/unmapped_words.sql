-- The stage and status words that neither a load nor the clinic's choices have mapped.
-- Grain: one row per (field, word key), most rows first. Parameters: none.
-- The word key is word_key of queries/models/macros/words.sql (installed on the connection by
-- clinic_bi/ingest/word_choices.py); the word shown is the key's most frequent spelling.
with

words as (
    select 'stage' as field, stage_raw as spelling from leads
    where stage is null and stage_raw is not null
    union all
    select 'status', status_raw from appointments
    where status is null and status_raw is not null
),

counted as (
    select
        field,
        word_key(spelling) as word_key,
        spelling,
        count(*) as uses,
    from words
    group by all
),

still_open as (
    select counted.*
    from counted
    anti join word_choices
        on word_choices.field = counted.field and word_choices.word = counted.word_key
),

final as (
    select
        field,
        first(spelling order by uses desc, spelling) as word,
        cast(sum(uses) as bigint) as rows,
    from still_open
    where word_key is not null
    group by field, word_key
    order by rows desc, word
)

select * from final
