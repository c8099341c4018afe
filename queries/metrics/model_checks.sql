-- Metric model_checks: contract checks on the models, for the tests and the data-quality panel.
-- Grain: one row per check, in a fixed order.
-- Parameters: none (checks cover the whole store, not a period).
-- METRICS.md "Common terms" (visit key, first(p)); STYLE.md "Contract checks on the models".
--
-- severity 'error': the engine's own promise is broken (a bug: a unique key repeats, first(p) is
-- after a visit, a canonical value is outside its list); 'warning': the data is doubtful and the
-- user should know (one visit_id used for two patients or days, a CRM stage that did not map, a
-- rating above its scale). failing_rows is 0 when all is well.
with

checks as (
    select 1 as check_order, 'dim_patients' as model, 'patient_id is unique' as check_name,
        'error' as severity,
        (select count(*) - count(distinct patient_id) from dim_patients) as failing_rows,
    union all
    select 2, 'fct_visits', 'first_visit_date <= visit_date', 'error',
        (select count(*) from fct_visits where not first_visit_date <= visit_date),
    union all
    select 3, 'fct_visits', 'patient_id and visit_date are not null, visit_key where split',
        'error',
        (
            select count(*) from fct_visits
            where patient_id is null or visit_date is null
                or (visit_key is null and not single_part)
        ),
    union all
    select 4, 'fct_leads', 'lead_key is unique', 'error',
        (select count(*) - count(distinct lead_key) from fct_leads),
    union all
    select 5, 'fct_leads', 'stage is new, booked, visited, contracted, lost or null', 'error',
        (
            select count(*) from fct_leads
            where stage not in ('new', 'booked', 'visited', 'contracted', 'lost')
        ),
    union all
    select 6, 'fct_appointments', 'status is attended, no_show, cancelled or planned', 'error',
        (
            select count(*) from fct_appointments
            where status not in ('attended', 'no_show', 'cancelled', 'planned')
        ),
    union all
    select 7, 'fct_reviews', 'rating_scale is 5 or 10', 'error',
        (select count(*) from fct_reviews where rating_scale not in (5, 10)),
    union all
    select 8, 'fct_visits', 'a visit_id belongs to one patient and one day', 'warning',
        (
            select count(*) from (
                -- such a visit has two rows, so its rows carry their key
                select visit_key
                from fct_visits
                where visit_key like 'id:%'
                group by visit_key
                having count(distinct patient_id) > 1 or count(distinct visit_date) > 1
            )
        ),
    union all
    select 9, 'fct_leads', 'the CRM stage mapped to a canonical stage', 'warning',
        (select count(*) from fct_leads where stage is null),
    union all
    select 10, 'fct_reviews', 'rating within 0 .. rating_scale', 'warning',
        (select count(*) from fct_reviews where rating < 0 or rating > rating_scale),
    union all
    select 11, 'fct_appointments', 'the schedule status mapped to a canonical status', 'warning',
        (select count(*) from fct_appointments where status is null),
),

final as (
    select
        model,
        check_name,
        severity,
        failing_rows,
    from checks
    order by check_order
)

select * from final
