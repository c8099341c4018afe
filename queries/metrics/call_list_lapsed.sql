-- Metric call_list_lapsed: the patients who stopped coming ("lapsed"), one row per patient.
-- Grain: one row per patient whose last visit is more than N months before data_end and who has
-- no appointment after data_end; sorted by value, largest first.
-- Parameters: $department_names, $department_months (two lists of equal length: the lapse
-- interval N in months of each department, resolved by clinic_bi/metrics/calls.py from the
-- store's call_settings); $default_months (N of a visit without a listed department);
-- $within_months (L: a last visit longer ago than L months before data_end is not listed);
-- $doctor, $department, $branch (a list of names, or null for all), applied to the last visit.
-- METRICS.md "Call lists" (Today, Future appointment, Lapsed, Value at stake).
--
-- The last visit: the patient's latest fct_visits row (on a day with several rows, the one with
-- the most revenue, then by doctor and department name); its department decides N.
-- value = the patient's revenue over the whole history / max(years from first(p) to data_end, 1).
with

facts as (
    select data_end from store_facts
),

department_months as (
    select
        unnest(cast($department_names as varchar[])) as department,
        unnest(cast($department_months as integer[])) as lapse_months,
),

patient_history as (
    select
        patient_num,
        min(visit_date) as first_visit_date,
        max(visit_date) as last_visit_date,
        sum(revenue) as revenue,
    from fct_visits
    group by patient_num
),

candidates as (
    -- the patients whose last visit could be listed: before data_end less the shortest lapse
    -- interval of any department (a longer one only lists fewer), and within L months
    select patient_history.*
    from patient_history, facts
    where patient_history.last_visit_date < facts.data_end - to_months(least(
            $default_months,
            coalesce((select min(lapse_months) from department_months), $default_months)
        ))
        and patient_history.last_visit_date >= facts.data_end - to_months($within_months)
),

last_rows as (
    -- the candidates' rows on their last day, ranked
    select
        fct_visits.*,
        row_number() over (
            partition by fct_visits.patient_num
            order by fct_visits.revenue desc, fct_visits.doctor nulls last,
                fct_visits.department nulls last
        ) as row_rank,
    from fct_visits
    inner join candidates
        on candidates.patient_num = fct_visits.patient_num
        and candidates.last_visit_date = fct_visits.visit_date
),

last_visits as (
    select
        last_rows.patient_num,
        last_rows.patient_id,
        last_rows.doctor,
        last_rows.department,
        last_rows.branch,
        last_rows.doctor_code,
        last_rows.department_code,
        last_rows.branch_code,
        candidates.first_visit_date,
        candidates.last_visit_date,
        candidates.revenue,
        coalesce(department_months.lapse_months, $default_months) as lapse_months,
    from last_rows
    inner join candidates using (patient_num)
    left join department_months on department_months.department = last_rows.department
    where last_rows.row_rank = 1
),

final as (
    select
        last_visits.patient_id,
        last_visits.doctor,
        last_visits.department,
        last_visits.branch,
        last_visits.last_visit_date,
        last_visits.lapse_months,
        cast(
            date_diff('month', last_visits.last_visit_date, facts.data_end)
            - case when day(facts.data_end) < day(last_visits.last_visit_date) then 1 else 0 end
            as integer
        ) as months_since,
        cast(round(
            yearly_value(last_visits.revenue, last_visits.first_visit_date, facts.data_end),
            2
        ) as decimal(18, 2)) as value,
    from last_visits, facts
    where last_visits.last_visit_date
            < facts.data_end - to_months(last_visits.lapse_months)
        and last_visits.last_visit_date >= facts.data_end - to_months($within_months)
        and last_visits.patient_id not in (select patient_id from fct_booked_ahead)
        and kept_by_filters(
            last_visits.doctor_code, last_visits.department_code, last_visits.branch_code,
            $doctor, $department, $branch
        )
    order by value desc nulls last, last_visits.patient_id
)

select * from final
