-- Metric call_list_recall: hygiene recall due next month, one row per patient.
-- Grain: one row per patient whose last hygiene visit plus the hygiene department's interval
-- falls in the calendar month after data_end's month, with no appointment after data_end;
-- sorted by value, largest first.
-- Parameters: $hygiene_words (the words of a hygiene department's lower-cased name);
-- $department_names, $department_months, $default_months (the intervals, as call_list_lapsed);
-- $doctor, $department, $branch (a list of names, or null for all), applied to the last hygiene
-- visit.
-- METRICS.md "Call lists" (Today, Hygiene recall due next month, Value at stake).
with

facts as (
    select
        data_end,
        cast(date_trunc('month', data_end) + interval 1 month as date) as due_month,
    from store_facts
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

hygiene_rows as (
    select
        fct_visits.*,
        row_number() over (
            partition by fct_visits.patient_num
            order by fct_visits.visit_date desc, fct_visits.revenue desc,
                fct_visits.doctor nulls last, fct_visits.department
        ) as row_rank,
    from fct_visits
    where exists (
        select 1
        from unnest(cast($hygiene_words as varchar[])) as words(word)
        where contains(lower(fct_visits.department), words.word)
    )
),

due as (
    select
        hygiene_rows.*,
        coalesce(department_months.lapse_months, $default_months) as recall_months,
        cast(
            hygiene_rows.visit_date
            + to_months(coalesce(department_months.lapse_months, $default_months))
            as date
        ) as due_date,
    from hygiene_rows
    left join department_months on department_months.department = hygiene_rows.department
    where hygiene_rows.row_rank = 1
),

final as (
    select
        due.patient_id,
        due.doctor,
        due.department,
        due.branch,
        due.visit_date as last_hygiene_date,
        patient_history.last_visit_date,
        due.recall_months,
        due.due_date,
        cast(round(
            yearly_value(patient_history.revenue, patient_history.first_visit_date, facts.data_end),
            2
        ) as decimal(18, 2)) as value,
    from due
    cross join facts
    inner join patient_history using (patient_num)
    where date_trunc('month', due.due_date) = facts.due_month
        and due.patient_id not in (select patient_id from fct_booked_ahead)
        and kept_by_filters(
            due.doctor_code, due.department_code, due.branch_code, $doctor, $department, $branch
        )
    order by value desc nulls last, due.patient_id
)

select * from final
