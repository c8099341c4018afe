-- Model dim_channels: one name per channel, however the exports spell it.
-- Grain: one row per channel key (channel_key of a spelling found in the leads, the ad spend or
-- the patient list): channel (the name it counts under), own_name (its own most frequent
-- spelling), spellings (most used first), uses (rows of the three tables), is_merged.
-- Parameters: none (built once per data_version).
-- METRICS.md "Marketing" (per channel); DATA.md "Words the clinic maps" (channel). `Unisender` and `unisender` are one channel: the
-- key ignores case, ё and spaces; empty, `null`, `-` … are no channel ('unknown', shown as
-- "не указан"). A channel the clinic merged into another (word_choices, field 'channel') takes
-- that one's name. A channel's name is its most frequent spelling (ties: the first in
-- alphabetical order); a merge target no export spells is named as the clinic typed it.
create or replace temp table dim_channels as
with

spellings as (
    select trim(channel) as spelling from leads
    union all
    select trim(channel) from marketing_spend
    union all
    select trim(channel) from patients
),

counted as (
    select
        channel_key(spelling) as channel_key,
        spelling,
        count(*) as uses,
    from spellings
    where channel_key(spelling) is not null
    group by all
),

own_names as (
    select
        channel_key,
        first(spelling order by uses desc, spelling) as channel,
        list(spelling order by uses desc, spelling) as spellings,
        cast(sum(uses) as bigint) as uses,
    from counted
    group by channel_key
),

merges as (
    select
        word as channel_key,
        canonical as target,
    from word_choices
    where field = 'channel'
),

final as (
    select
        own_names.channel_key,
        coalesce(targets.channel, nullif(trim(merges.target), ''), own_names.channel) as channel,
        own_names.channel as own_name,
        own_names.spellings,
        own_names.uses,
        merges.target is not null as is_merged,
    from own_names
    left join merges using (channel_key)
    left join own_names as targets
        on targets.channel_key = channel_key(merges.target)
)

select * from final
