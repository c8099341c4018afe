-- Metric revenue_changes_by_member: both periods' revenue per member of each dimension that
-- "what changed" splits the change into, in one pass over the lines and one over the visits
-- (grouping sets: department × service, department and service; doctor and channel).
-- Grain: one row per (dimension, department, member) with a (filtered) line or visit in either
-- period: dimension 'pair' (department and service: member is the service), 'department'
-- (member null), 'service' (department null), 'doctor', 'channel' (the patients' acquisition
-- channel); a null department, service, doctor or channel is a member too ("без указания"). For
-- each period k (0: the basis, 1: the current period): quantity_k and revenue_k (null when the
-- member has no rows in it), rows_k (its lines, or visit rows, in the period: 0 means the member
-- is absent there). Pairs, departments and services sum the service lines (fct_service_lines);
-- doctors and channels the visits (filtered_visits, the same rows as activity_by_member's revenue
-- per doctor; every patient has one channel, 'unknown' when none is known: dim_patients). Each
-- dimension adds up to the period's revenue exactly. The periods may overlap (a period longer
-- than a year against the same days a year earlier): a row in both counts in both.
-- Parameters: $date_from_0, $date_to_0 (the basis period); $date_from_1, $date_to_1 (the current
-- period); $doctor, $department, $branch (a list of names, or null for all), for both.
-- METRICS.md "What changed".
with

lines_in_periods as not materialized (
    select
        department_code,
        service,
        quantity,
        amount,
        visit_date between $date_from_0 and $date_to_0 as in_0,
        visit_date between $date_from_1 and $date_to_1 as in_1,
    from fct_service_lines
    where (
        visit_date between $date_from_0 and $date_to_0
        or visit_date between $date_from_1 and $date_to_1
    )
    and kept_by_filters(
        doctor_code, department_code, branch_code, $doctor, $department, $branch
    )
),

line_sums as (
    select
        case
            when grouping(department_code) = 1 then 'service'
            when grouping(service) = 1 then 'department'
            else 'pair'
        end as dimension,
        department_code,
        service,
        sum(quantity) filter (where in_0) as quantity_0,
        sum(amount) filter (where in_0) as revenue_0,
        count(*) filter (where in_0) as rows_0,
        sum(quantity) filter (where in_1) as quantity_1,
        sum(amount) filter (where in_1) as revenue_1,
        count(*) filter (where in_1) as rows_1,
    from lines_in_periods
    group by grouping sets ((department_code, service), (department_code), (service))
),

visits_in_periods as not materialized (
    -- every patient has one channel ('unknown' when none is known: dim_patients has a row for
    -- every patient of the lines), so the join keeps every visit
    select
        filtered.doctor,
        dim_patients.acquisition_channel as channel,
        filtered.revenue,
        filtered.visit_date between $date_from_0 and $date_to_0 as in_0,
        filtered.visit_date between $date_from_1 and $date_to_1 as in_1,
    from filtered_visits($doctor, $department, $branch) as filtered
    inner join dim_patients
        on dim_patients.patient_num = filtered.patient_num
    where filtered.visit_date between $date_from_0 and $date_to_0
        or filtered.visit_date between $date_from_1 and $date_to_1
),

visit_sums as (
    select
        case when grouping(doctor) = 1 then 'channel' else 'doctor' end as dimension,
        null as department,
        case when grouping(doctor) = 1 then channel else doctor end as member,
        null as quantity_0,
        sum(revenue) filter (where in_0) as revenue_0,
        count(*) filter (where in_0) as rows_0,
        null as quantity_1,
        sum(revenue) filter (where in_1) as revenue_1,
        count(*) filter (where in_1) as rows_1,
    from visits_in_periods
    group by grouping sets ((doctor), (channel))
),

named_line_sums as (
    select
        line_sums.dimension,
        dim_names.name as department,
        line_sums.service as member,
        line_sums.quantity_0,
        line_sums.revenue_0,
        line_sums.rows_0,
        line_sums.quantity_1,
        line_sums.revenue_1,
        line_sums.rows_1,
    from line_sums
    left join dim_names
        on dim_names.attribute = 'department' and dim_names.code = line_sums.department_code
),

final as (
    select * from named_line_sums
    union all by name
    select * from visit_sums
    order by dimension, department nulls first, member nulls first
)

select * from final
