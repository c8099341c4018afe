-- Metric call_list_plans: treatment plans (contracts) not started or not finished.
-- Grain: one row per contract with money left whose patient has had no visit for K days and has
-- no appointment after data_end; sorted by amount left, largest first.
-- Parameters: $plan_idle_days (K); $doctor, $department, $branch (a list of names, or null for
-- all), applied to the row's doctor and department (the contract's, else the patient's last
-- visit's) and the last visit's branch.
-- METRICS.md "Call lists" (Today, Treatment plans not started or not finished).
--
-- Scope of a contract: the visits of its patient in the contract's department when the contract
-- names a department the visits know, else in every department.
-- paid = the revenue of the scope on or after the signing day; amount_left = amount - paid,
-- listed when > 0. Started = a visit of the scope after the signing day (a plan is usually
-- signed at a visit: that visit alone does not start it).
-- Listed when the later of the signing day and the patient's last visit (any department) is
-- more than K days before data_end, and no future appointment. value = amount_left.
with

facts as (
    select data_end from store_facts
),

known_departments as (
    select distinct department from fct_visits where department is not null
),

plans as (
    select
        fct_contracts.*,
        coalesce(
            fct_contracts.department in (select department from known_departments), false
        ) as in_department,
        row_number() over (
            order by fct_contracts.contract_id, fct_contracts.signed_date, fct_contracts.patient_id
        ) as plan_row,
    from fct_contracts, facts
    where fct_contracts.patient_id is not null
        and fct_contracts.amount > 0
        and fct_contracts.signed_date <= facts.data_end
),

work as (
    select
        plans.plan_row,
        coalesce(sum(fct_visits.revenue), 0) as paid,
        max(fct_visits.visit_date) filter (
            where fct_visits.visit_date > plans.signed_date
        ) as last_work_date,
    from plans
    left join fct_visits
        on fct_visits.patient_id = plans.patient_id
        and fct_visits.visit_date >= plans.signed_date
        and (not plans.in_department or fct_visits.department = plans.department)
    group by plans.plan_row
),

last_days as (
    -- the last visit day of each patient with a plan
    select
        patient_id,
        max(visit_date) as visit_date,
    from fct_visits
    where patient_id in (select patient_id from plans)
    group by patient_id
),

last_rows as (
    -- their rows on that day, ranked
    select
        fct_visits.*,
        row_number() over (
            partition by fct_visits.patient_id
            order by fct_visits.revenue desc, fct_visits.doctor nulls last,
                fct_visits.department nulls last
        ) as row_rank,
    from fct_visits
    inner join last_days
        on last_days.patient_id = fct_visits.patient_id
        and last_days.visit_date = fct_visits.visit_date
),

rows_named as (
    select
        plans.contract_id,
        plans.patient_id,
        coalesce(plans.doctor, last_rows.doctor) as doctor,
        coalesce(plans.department, last_rows.department) as department,
        last_rows.branch,
        last_rows.branch_code,
        last_rows.visit_date as last_visit_date,
        plans.signed_date,
        plans.amount,
        work.paid,
        plans.amount - work.paid as amount_left,
        case when work.last_work_date is null then 'not_started' else 'not_finished' end
            as plan_state,
    from plans
    inner join work using (plan_row)
    left join last_rows
        on last_rows.patient_id = plans.patient_id and last_rows.row_rank = 1
),

final as (
    select
        rows_named.patient_id,
        rows_named.contract_id,
        rows_named.doctor,
        rows_named.department,
        rows_named.branch,
        rows_named.last_visit_date,
        rows_named.signed_date,
        rows_named.plan_state,
        rows_named.amount,
        rows_named.paid,
        rows_named.amount_left,
        rows_named.amount_left as value,
    from rows_named
    cross join facts
    left join dim_names as doctors
        on doctors.attribute = 'doctor' and doctors.name = rows_named.doctor
    left join dim_names as departments
        on departments.attribute = 'department' and departments.name = rows_named.department
    where rows_named.amount_left > 0
        and greatest(rows_named.signed_date, coalesce(rows_named.last_visit_date,
                                                      rows_named.signed_date))
            < facts.data_end - cast($plan_idle_days as integer)
        and rows_named.patient_id not in (select patient_id from fct_booked_ahead)
        and kept_by_filters(
            doctors.code, departments.code, rows_named.branch_code, $doctor, $department, $branch
        )
    order by value desc, rows_named.patient_id, rows_named.contract_id
)

select * from final
