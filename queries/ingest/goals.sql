-- Parse a staged goals file (month, scope, name, figure, goal) into the store's types.
-- Grain: one row per data row. No parameters. Reads `staged`.
-- DATA.md "goals": a month reads as any month cell does ("2026-12", "12.2026", "декабрь 2026");
-- the scope is clinic / department / doctor (клиника, направление or отделение, врач); an empty
-- scope with no name is the clinic; the figure is revenue / visits / new_patients (выручка,
-- визиты, новые пациенты); the goal is a number of 0 or more, and an empty goal clears an
-- earlier one (a row with no value: no goal). A goal is keyed by its identity, goal_id =
-- 'YYYY-MM|scope|name|figure' (the name as written, spaces tidied; none for the clinic), so the
-- last row of an identity in a file wins and a later file replaces it
-- (clinic_bi/store/goals.py keys the page's edits the same way).
with typed as (
    select
        _row,
        is_total_text(_first_cells) as _is_total,
        parse_month(month) as month,
        case
            when norm_word(figure) in ('выручка', 'revenue', 'доход', 'оборот', 'сумма')
                then 'revenue'
            when norm_word(figure) in ('визиты', 'визит', 'visits', 'visit', 'приемы', 'прием')
                then 'visits'
            when norm_word(figure) in ('новые пациенты', 'новых пациентов', 'новые', 'первичные',
                                       'первичные пациенты', 'new patients', 'new_patients')
                then 'new_patients'
        end as figure,
        case
            when norm_word(scope) in ('клиника', 'вся клиника', 'clinic', 'общий', 'всего')
                then 'clinic'
            when norm_word(scope) in ('направление', 'отделение', 'отдел', 'department')
                then 'department'
            when norm_word(scope) in ('врач', 'доктор', 'doctor', 'специалист')
                then 'doctor'
        end as scope_word,
        clean_name(scope_name) as name,
        parse_num(value) as value,
        month as month_raw,
        figure as figure_raw,
        scope as scope_raw,
        value as value_raw,
    from staged
),

scoped as (
    select
        *,
        case
            when scope_word is not null then scope_word
            -- no scope and no name: a goal of the whole clinic
            when clean_text(scope_raw) is null and name is null then 'clinic'
        end as scope,
    from typed
),

final as (
    select
        _row,
        _is_total,
        list_filter([
            required_issue('month', month_raw, month, 'month'),
            required_issue('figure', figure_raw, figure, 'goal_figure'),
            case
                when clean_text(scope_raw) is not null and scope_word is null then
                    {'column_name': 'scope', 'value': left(cast(scope_raw as varchar), 200),
                     'reason': 'unreadable;what=goal_scope', 'severity': 'rejected'}
                when scope is null then
                    {'column_name': 'scope', 'value': null::varchar,
                     'reason': 'goal_no_scope', 'severity': 'rejected'}
                when scope in ('department', 'doctor') and name is null then
                    {'column_name': 'scope_name', 'value': null::varchar,
                     'reason': 'goal_no_name', 'severity': 'rejected'}
            end,
            case
                when clean_text(value_raw) is not null and value is null then
                    {'column_name': 'value', 'value': left(cast(value_raw as varchar), 200),
                     'reason': 'unreadable;what=' || unreadable_what(value_raw, 'goal_value'),
                     'severity': 'rejected'}
                when value < 0 then
                    {'column_name': 'value', 'value': left(cast(value_raw as varchar), 200),
                     'reason': 'goal_negative', 'severity': 'rejected'}
            end,
        ], lambda x: x is not null) as _issues,
        cast(null as varchar[]) as _notes,
        month,
        scope,
        case when scope <> 'clinic' then name end as scope_name,
        figure,
        cast(value as decimal(18, 2)) as value,
        strftime(month, '%Y-%m') || '|' || scope || '|'
            || coalesce(case when scope <> 'clinic' then name end, '') || '|' || figure
            as goal_id,
        strftime(month, '%Y-%m') || '|' || scope || '|'
            || coalesce(case when scope <> 'clinic' then name end, '') || '|' || figure
            as _row_hash,
    from scoped
)

select * from final
