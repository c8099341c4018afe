-- Metric channels_by_key: every channel the exports name, for the Данные page's merge list.
-- Grain: one row per channel key, by the name it counts under, then its own name.
-- Parameters: none (the whole store).
-- METRICS.md "Marketing" (the channels it counts by); DATA.md "Words the clinic maps"
-- (channel); the names are models/core/dim_channels.sql's.
with

final as (
    select
        channel_key,
        channel,
        own_name,
        spellings,
        uses,
        is_merged,
    from dim_channels
    order by channel, own_name
)

select * from final
