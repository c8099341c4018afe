-- Model fct_goals: the clinic's monthly goals as they stand (store table goals, DATA.md "goals").
-- Grain: one row per goal identity (month, scope, scope_name, figure) that holds a value; a row
-- with no value is a cleared goal and is left out.
-- Parameters: none (built once per data_version).
-- METRICS.md "Goals and pacing". The store holds one row per identity (a later batch replaced
-- the earlier one, clinic_bi/store/goals.py); batch_id says which batch set it.
create or replace temp table fct_goals as
with

final as (
    select
        month,
        scope,
        scope_name,
        figure,
        cast(value as decimal(18, 2)) as goal,
        goal_id,
        _batch_id as batch_id,
    from goals
    where value is not null
)

select * from final
