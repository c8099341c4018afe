-- Metric goals_by_month_and_scope: the goals set for the months of a period.
-- Grain: one row per goal (month, scope, scope_name, figure) that holds a value, by month, scope,
-- name and figure.
-- Parameters: $date_from, $date_to (goals whose month starts in this range).
-- METRICS.md "Goals and pacing". Read from model fct_goals (a cleared goal is not there).
with

final as (
    select
        month,
        scope,
        scope_name,
        figure,
        goal,
        batch_id,
    from fct_goals
    where month between $date_from and $date_to
    order by
        month,
        case scope when 'clinic' then 1 when 'department' then 2 else 3 end,
        scope_name,
        case figure when 'revenue' then 1 when 'visits' then 2 else 3 end
)

select * from final
