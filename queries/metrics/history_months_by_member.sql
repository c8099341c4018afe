-- Metric history_months_by_member: how much monthly history each doctor and department has.
-- Grain: one row per doctor (dimension = 'doctor') and per department ('department') with a
-- visit up to $date_to, by name; rows without the name are left out.
-- Parameters: $date_to (the last day of the last whole month); $branch (a list of names, or
-- null for all); doctors and departments are what is listed, so they do not narrow.
-- METRICS.md "Forecast" (doctors and departments with enough history).
--
-- first_month: the month of the member's first visit; months_with_visits: the calendar months
-- from first_month to $date_to with at least one of the member's visits.
with

visits as (
    select
        doctor,
        department,
        visit_month,
    from filtered_visits(null, null, $branch)
    where visit_date <= $date_to
),

per_member as (
    select
        case when grouping(doctor) = 0 then 'doctor' else 'department' end as dimension,
        coalesce(doctor, department) as member,
        min(visit_month) as first_month,
        max(visit_month) as last_month,
        count(distinct visit_month) as months_with_visits,
    from visits
    group by grouping sets ((doctor), (department))
),

final as (
    select *
    from per_member
    where member is not null
    order by dimension, member
)

select * from final
