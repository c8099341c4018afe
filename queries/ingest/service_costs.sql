-- Parse a staged service-costs file (a price list with a cost column, or a cost per service code)
-- into the store's types. Grain: one row per data row. Parameters: $date_format. Reads `staged`.
-- DATA.md "service_costs": the cost is the materials and lab cost of ONE unit of the service, a
-- money cell of 0 or more (a line's materials = cost × quantity); the service is named by its
-- MIS code, its name or both (a row with neither is rejected); valid_from, when given, is the
-- day the cost starts (a filled cell that is not a date rejects the row: a cost must never
-- silently become "from the beginning"); department, when given, limits the cost to that
-- department. A price list's price column is read and thrown away. A cost is keyed by its
-- identity, cost_id = 'code|service|YYYY-MM-DD|department' (each part as written, spaces
-- tidied, empty where not given), so the last row of an identity in a file wins and a later
-- file replaces it; removing that file's batch puts the earlier cost back.
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        clean_text(service_code) as service_code,
        clean_text(service) as service,
        parse_money(cost) as cost,
        parse_date(valid_from, $date_format) as valid_from,
        clean_text(department) as department,
        cost as cost_raw,
        valid_from as valid_from_raw,
    from staged
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            case when service_code is null and service is null then
                {'column_name': 'service', 'value': null::varchar,
                 'reason': 'cost_no_service', 'severity': 'rejected'}
            end,
            required_issue('cost', cost_raw, cost, unreadable_what(cost_raw, 'money')),
            case when cost < 0 then
                {'column_name': 'cost', 'value': left(cast(cost_raw as varchar), 200),
                 'reason': 'cost_negative', 'severity': 'rejected'}
            end,
            case when valid_from is null and is_filled(valid_from_raw) then
                {'column_name': 'valid_from', 'value': left(cast(valid_from_raw as varchar), 200),
                 'reason': 'unreadable;what=date', 'severity': 'rejected'}
            end,
        ], lambda x: x is not null) as _issues,
        cast(null as varchar[]) as _notes,
        service_code,
        service,
        cost,
        valid_from,
        department,
        concat_ws('|', coalesce(service_code, ''), coalesce(service, ''),
                  coalesce(strftime(valid_from, '%Y-%m-%d'), ''), coalesce(department, ''))
            as cost_id,
        concat_ws('|', coalesce(service_code, ''), coalesce(service, ''),
                  coalesce(strftime(valid_from, '%Y-%m-%d'), ''), coalesce(department, ''))
            as _row_hash,
    from typed
)

select * from final
