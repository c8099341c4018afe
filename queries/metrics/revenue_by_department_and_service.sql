-- Metric revenue_by_department_and_service: quantity and revenue per department and service.
-- Grain: one row per (department, service) with a (filtered) service line in P, by department
-- (lines without one last, as department null) and revenue descending. The rows add up to the
-- period's revenue exactly: every line has one department (or none) and one service.
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "What changed" (price, volume and mix of services; a department's price effect).
with

lines_in_period as (
    select
        department_code,
        service,
        quantity,
        amount,
    from fct_service_lines
    where visit_date between $date_from and $date_to
        and kept_by_filters(
            doctor_code, department_code, branch_code, $doctor, $department, $branch
        )
),

per_pair as (
    select
        department_code,
        service,
        sum(quantity) as quantity,
        sum(amount) as revenue,
    from lines_in_period
    group by department_code, service
),

final as (
    select
        dim_names.name as department,
        per_pair.service,
        per_pair.quantity,
        per_pair.revenue,
    from per_pair
    left join dim_names
        on dim_names.attribute = 'department' and dim_names.code = per_pair.department_code
    order by dim_names.name nulls last, per_pair.revenue desc, per_pair.service
)

select * from final
