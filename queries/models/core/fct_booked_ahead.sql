-- Model fct_booked_ahead: the patients with a future appointment, the one definition the call
-- lists share.
-- Grain: one row per patient_id with an appointment scheduled after data_end whose status is not
-- cancelled nor no_show (planned, attended, or a word not mapped yet).
-- Parameters: none (built once per data_version).
-- METRICS.md "Call lists" (Future appointment): a patient here is in none of the lapsed, plans and
-- recall lists.
create or replace temp table fct_booked_ahead as
with

final as (
    select distinct fct_appointments.patient_id
    from fct_appointments, store_facts
    where fct_appointments.patient_id is not null
        and fct_appointments.scheduled_date > store_facts.data_end
        and coalesce(fct_appointments.status, 'planned') not in ('cancelled', 'no_show')
)

select * from final
