-- Row keys for tables without an export id (services, marketing_spend, reviews): the hash of the
-- mapped row plus its occurrence number among identical rows of the same file, so two genuinely
-- identical lines both stay, and the same lines exported again replace themselves (DATA.md
-- "Loading rules"). Reads `parsed` (one table's parsed rows). No parameters.
with loadable as (
    select * from parsed where _ok and not _is_total
),

final as (
    select
        * exclude (_row_hash, _issues, _ok, _is_total),
        _row_hash || '-' || row_number() over (partition by _row_hash order by _row) as _key,
    from loadable
)

select * from final
