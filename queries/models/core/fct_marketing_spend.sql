-- Model fct_marketing_spend: spend rows, each dated (a monthly row on the 1st of its month).
-- Grain: one row per marketing_spend row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Marketing: CAC, CPL, ROMI" (spend(c, P)).
create or replace temp table fct_marketing_spend as
with

final as (
    select
        date as spend_date,
        coalesce(dim_channels.channel, 'unknown') as channel,
        amount,
        is_monthly,
    from marketing_spend
    left join dim_channels
        on dim_channels.channel_key = channel_key(marketing_spend.channel)
)

select * from final
