-- Metric margin_by_scope: gross margin (revenue - materials - pay) of the service lines of period
-- P, for the clinic and per service, doctor and department, with the price review of services.
-- Grain: one row per (breakdown, name): breakdown 'all' (one row, name null, always there),
-- 'service', 'doctor', 'department' (a null name: the lines without one).
-- Parameters: $date_from, $date_to (period P); $doctor, $department, $branch (a list of names, or
-- null for all).
-- METRICS.md "Margins" (every rule below is written there; this header only names them).
--
-- Lines are read over the whole calendar months that P touches, unfiltered, because a monthly
-- salary is spread over all the doctor's lines of its month; only then are P and the Filters
-- applied (kept). A line's hours = quantity x duration_min / 60 (METRICS.md "Services").
-- Unknown is null, never 0: no cost row -> materials null; no doctor rule -> pay null; an hourly
-- rule on a line without duration -> pay null; margin null when either is.
with

month_lines as materialized (
    select
        row_number() over () as line_id,
        lines.visit_date,
        date_trunc('month', lines.visit_date) as visit_month,
        doctors.name as doctor,
        departments.name as department,
        lines.service,
        lines.service_code,
        lines.amount,
        lines.quantity,
        lines.quantity * lines.duration_min / 60 as hours,
        -- exact (decimal): the sums below add minutes and divide once, so they do not depend on
        -- the order DuckDB's threads add doubles in (the JSON report was not byte-stable)
        lines.quantity * lines.duration_min as minutes,
        lines.visit_date between $date_from and $date_to
        and kept_by_filters(
            lines.doctor_code, lines.department_code, lines.branch_code,
            $doctor, $department, $branch
        ) as kept,
    from fct_service_lines as lines
    left join dim_names as doctors
        on doctors.attribute = 'doctor' and doctors.code = lines.doctor_code
    left join dim_names as departments
        on departments.attribute = 'department' and departments.code = lines.department_code
    where lines.visit_date between date_trunc('month', cast($date_from as date))
        and last_day(cast($date_to as date))
),

cost_keys as (
    -- the cost and the pay rule are resolved once per distinct key, not per line: the match
    -- conditions are not equalities (a general row, "code or name"), and a join on them
    -- compares every line with every cost row
    select distinct service_code, service, department, visit_date from month_lines
),

cost_matches as (
    -- code match before name match, the department's own row before the general one, then the
    -- latest valid_from <= visit_date (null: from the beginning, the earliest); two equality
    -- joins (by code, by name) rather than one join on "code or name"
    select keys.*, costs.cost, true as by_code, costs.department as cost_department,
        costs.valid_from,
    from cost_keys as keys
    inner join fct_service_costs as costs on costs.service_code = keys.service_code
    where (costs.department is null or costs.department = keys.department)
        and (costs.valid_from is null or costs.valid_from <= keys.visit_date)
    union all
    select keys.*, costs.cost, coalesce(costs.service_code = keys.service_code, false),
        costs.department, costs.valid_from,
    from cost_keys as keys
    inner join fct_service_costs as costs on costs.service = keys.service
    where (costs.department is null or costs.department = keys.department)
        and (costs.valid_from is null or costs.valid_from <= keys.visit_date)
),

key_costs as (
    select service_code, service, department, visit_date, cost,
    from cost_matches
    qualify row_number() over (
        partition by service_code, service, department, visit_date
        order by by_code desc, cost_department is not null desc, valid_from desc nulls last
    ) = 1
),

costed_lines as (
    select
        month_lines.*,
        key_costs.cost * month_lines.quantity as materials,
    from month_lines
    left join key_costs
        on key_costs.service_code is not distinct from month_lines.service_code
        and key_costs.service is not distinct from month_lines.service
        and key_costs.department is not distinct from month_lines.department
        and key_costs.visit_date = month_lines.visit_date
),

rule_keys as (
    select distinct doctor, department, visit_date from costed_lines
),

level_rules as (
    -- per role and level (that doctor and department, that doctor any department, every
    -- doctor that department, every doctor): the latest valid_from <= visit_date
    select
        keys.doctor,
        keys.department,
        keys.visit_date,
        rules.role,
        rules.basis,
        rules.rate,
        rules.doctor as rule_doctor,
        rules.department as rule_department,
        rules.valid_from as rule_from,
    from rule_keys as keys
    inner join fct_pay_rules as rules
        on (rules.doctor is null or rules.doctor = keys.doctor)
        and (rules.department is null or rules.department = keys.department)
        and (rules.valid_from is null or rules.valid_from <= keys.visit_date)
    qualify row_number() over (
        partition by keys.doctor, keys.department, keys.visit_date, rules.role,
            rules.doctor is not null, rules.department is not null
        order by rules.valid_from desc nulls last
    ) = 1
),

key_rules as (
    -- the most specific level whose rule in force is not withdrawn (basis 'none': from its
    -- date on, that level has no rule and the next one applies)
    select *
    from level_rules
    where basis <> 'none'
    qualify row_number() over (
        partition by doctor, department, visit_date, role
        order by rule_doctor is not null desc, rule_department is not null desc
    ) = 1
),

rule_candidates as (
    select
        costed_lines.line_id,
        key_rules.role,
        key_rules.basis,
        key_rules.rate,
        key_rules.rule_doctor,
        key_rules.rule_department,
        key_rules.rule_from,
        1 as preference,
    from costed_lines
    inner join key_rules
        on key_rules.doctor is not distinct from costed_lines.doctor
        and key_rules.department is not distinct from costed_lines.department
        and key_rules.visit_date = costed_lines.visit_date
),

line_pay as (
    -- a monthly salary: rate x the line's share of the revenue of the lines of the same doctor,
    -- month and rule (null when that revenue is <= 0)
    select
        rules.line_id,
        rules.role,
        rules.basis,
        case rules.basis
            when 'revenue' then rules.rate * costed_lines.amount
            when 'after_materials' then rules.rate * (costed_lines.amount - costed_lines.materials)
            when 'hour' then rules.rate * costed_lines.hours
            when 'month' then case
                when month_revenue > 0 then rules.rate * costed_lines.amount / month_revenue
            end
        end as pay,
    from (
        select
            rule_candidates.*,
            sum(costed_lines.amount) over (
                partition by
                    costed_lines.doctor, rule_candidates.role, rule_candidates.rule_doctor,
                    rule_candidates.rule_department, rule_candidates.rule_from,
                    costed_lines.visit_month
            ) as month_revenue,
        from rule_candidates
        inner join costed_lines on costed_lines.line_id = rule_candidates.line_id
        where rule_candidates.preference = 1
    ) as rules
    inner join costed_lines on costed_lines.line_id = rules.line_id
),

margin_lines as (
    select
        costed_lines.*,
        doctor_pay.pay is not null as has_doctor_pay,
        doctor_pay.line_id is null as no_rule,
        coalesce(doctor_pay.basis = 'hour', false) and costed_lines.hours is null
        or coalesce(assistant_pay.basis = 'hour', false) and costed_lines.hours is null
            as no_duration,
        -- an assistant's pay where a rule exists; no assistant rule adds nothing
        doctor_pay.pay + case
            when assistant_pay.line_id is null then 0
            else assistant_pay.pay
        end as pay,
    from costed_lines
    left join line_pay as doctor_pay
        on doctor_pay.line_id = costed_lines.line_id and doctor_pay.role = 'doctor'
    left join line_pay as assistant_pay
        on assistant_pay.line_id = costed_lines.line_id and assistant_pay.role = 'assistant'
    where costed_lines.kept
),

known_lines as (
    select
        *,
        amount - materials - pay as margin,
        (amount - materials - pay) is not null as known,
    from margin_lines
),

sums as (
    select
        case
            when grouping(service) = 0 then 'service'
            when grouping(doctor) = 0 then 'doctor'
            when grouping(department) = 0 then 'department'
            else 'all'
        end as breakdown,
        coalesce(service, doctor, department) as name,
        count(*) as lines,
        sum(amount) as revenue,
        sum(amount) filter (where known) as known_revenue,
        sum(materials) filter (where known) as materials,
        sum(pay) filter (where known) as pay,
        sum(margin) filter (where known) as margin,
        sum(quantity) as quantity,
        sum(minutes) / 60 as hours,
        sum(quantity) filter (where hours is not null) as timed_quantity,
        sum(amount) filter (where hours is not null) as timed_revenue,
        sum(margin) filter (where known and hours is not null) as timed_margin,
        sum(minutes) filter (where known) / 60 as known_hours,
        count(*) filter (where not known) as unknown_lines,
        sum(amount) filter (where not known) as unknown_revenue,
        count(*) filter (where materials is null) as no_cost_lines,
        count(*) filter (where no_rule) as no_rule_lines,
        count(*) filter (where no_duration) as no_duration_lines,
    from known_lines
    group by grouping sets ((service), (doctor), (department), ())
),

with_all_row as (
    -- the grouping set () yields no row over no lines: the clinic row is always there
    select * from sums
    union all by name
    select 'all' as breakdown, 0 as lines, 0 as revenue, 0 as unknown_lines
    where not exists (select 1 from sums where breakdown = 'all')
),

figures as (
    select
        breakdown,
        name,
        lines,
        revenue,
        coalesce(known_revenue, 0) as known_revenue,
        -- null (not 0) when no line of the row has a known margin
        materials,
        pay,
        margin,
        margin / nullif(known_revenue, 0) as margin_share,
        quantity,
        hours,
        case when known_hours > 0 then timed_margin / known_hours end as margin_per_hour,
        case when hours > 0 then margin / hours end as margin_per_chair_hour,
        case when hours > 0 then timed_revenue / hours end as revenue_per_hour,
        revenue / nullif(quantity, 0) as avg_price,
        hours / nullif(timed_quantity, 0) as hours_per_unit,
        unknown_lines,
        coalesce(unknown_revenue, 0) as unknown_revenue,
        coalesce(unknown_revenue, 0) / nullif(revenue, 0) as unknown_revenue_share,
        coalesce(no_cost_lines, 0) as no_cost_lines,
        coalesce(no_rule_lines, 0) as no_rule_lines,
        coalesce(no_duration_lines, 0) as no_duration_lines,
    from with_all_row
),

reviewed as (
    -- the price review (services only): below the median margin per hour of the services
    select
        *,
        case when breakdown = 'service' then
            median(margin_per_hour) over (partition by breakdown)
        end as median_margin_per_hour,
    from figures
),

final as (
    select
        *,
        margin_per_hour < median_margin_per_hour as below_median,
        case when margin_per_hour < median_margin_per_hour then
            avg_price + (median_margin_per_hour - margin_per_hour) * hours_per_unit
        end as price_needed,
    from reviewed
    order by breakdown, revenue desc, name
)

select * from final
