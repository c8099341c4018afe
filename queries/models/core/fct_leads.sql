-- Model fct_leads: every lead with the evidence of how far it got, as day offsets.
-- Grain: one row per leads row (lead_key = the store's row key).
-- Parameters: none (built once per data_version). The funnel window W is a parameter of the
-- metric query (funnel_by_channel_and_operator.sql): here each kind of evidence is reduced to
-- "the earliest day on or after the lead's day, as days after it", so `offset <= W` is exactly "a day in
-- [lead day, lead day + W]".
-- METRICS.md "Funnel: lead -> booking -> visit -> contract".
--
-- Evidence kept per lead (the lead's patient = each card linked in fct_lead_links):
--   stage_step            canonical CRM stage as a step: 1 booked, 2 visited, 3 contracted, else 0
--   has_appointment       an appointment carries the lead's lead_id (any status)
--   has_attended          such an appointment has status attended
--   has_contract          a contract carries the lead's lead_id
--   booked_after_days     an appointment of the lead's patient, by the day it was created (else
--                         scheduled)
--   attended_after_days   the same, among attended appointments
--   visit_after_days      a service line of the lead's patient (visit_date)
--   contract_after_days   a contract of the lead's patient (signed_at)
-- Reading: a lead without a channel is counted under 'unknown', the name the acquisition channel
-- uses for the same lack. Channels are named by dim_channels; a CRM stage word the clinic mapped
-- on the Данные page (word_choices) wins over the stage the load found.
create or replace temp table fct_leads as
with

leads_base as (
    select
        _key as lead_key,
        lead_id,
        created_at,
        cast(created_at as date) as lead_date,
        coalesce(dim_channels.channel, 'unknown') as channel,
        operator,
        stage,
        case stage
            when 'booked' then 1
            when 'visited' then 2
            when 'contracted' then 3
            else 0
        end as stage_step,
    from (
        -- the clinic's choice for the CRM's word wins over the word lists of the load
        select
            leads.* replace (coalesce(stage_choices.canonical, leads.stage) as stage),
        from leads
        left join word_choices as stage_choices
            on stage_choices.field = 'stage' and stage_choices.word = word_key(leads.stage_raw)
    ) as leads
    left join dim_channels
        on dim_channels.channel_key = channel_key(leads.channel)
),

lead_patients as (
    select
        leads_base.lead_key,
        leads_base.lead_date,
        fct_lead_links.patient_id,
    from leads_base
    inner join fct_lead_links using (lead_key)
),

patient_events as (
    -- every dated piece of evidence about a patient, in one shape: its kind and its day
    select
        'appointment' as kind,
        patient_id,
        booked_date as event_date,
        status = 'attended' as is_attended,
    from fct_appointments
    union all
    select 'visit', patient_id, visit_date, false from fct_visits
    union all
    select 'contract', patient_id, signed_at, false from contracts
),

patient_evidence as (
    -- per lead and kind, the earliest day on or after the lead's day, as days after it
    select
        lead_patients.lead_key,
        min(patient_events.event_date - lead_patients.lead_date)
            filter (where patient_events.kind = 'appointment') as booked_after_days,
        min(patient_events.event_date - lead_patients.lead_date)
            filter (where patient_events.kind = 'appointment' and patient_events.is_attended)
            as attended_after_days,
        min(patient_events.event_date - lead_patients.lead_date)
            filter (where patient_events.kind = 'visit') as visit_after_days,
        min(patient_events.event_date - lead_patients.lead_date)
            filter (where patient_events.kind = 'contract') as contract_after_days,
    from lead_patients
    inner join patient_events
        on patient_events.patient_id = lead_patients.patient_id
        and patient_events.event_date >= lead_patients.lead_date
    group by lead_patients.lead_key
),

appointments_by_lead_id as (
    select
        lead_id,
        bool_or(status = 'attended') as has_attended,
    from fct_appointments
    where lead_id is not null
    group by lead_id
),

contracts_by_lead_id as (
    select distinct lead_id
    from contracts
    where lead_id is not null
),

final as (
    select
        leads_base.lead_key,
        leads_base.lead_id,
        leads_base.created_at,
        leads_base.lead_date,
        leads_base.channel,
        leads_base.operator,
        leads_base.stage,
        leads_base.stage_step,
        appointments_by_lead_id.lead_id is not null as has_appointment,
        coalesce(appointments_by_lead_id.has_attended, false) as has_attended,
        contracts_by_lead_id.lead_id is not null as has_contract,
        patient_evidence.booked_after_days,
        patient_evidence.attended_after_days,
        patient_evidence.visit_after_days,
        patient_evidence.contract_after_days,
    from leads_base
    left join appointments_by_lead_id using (lead_id)
    left join contracts_by_lead_id using (lead_id)
    left join patient_evidence using (lead_key)
)

select * from final
