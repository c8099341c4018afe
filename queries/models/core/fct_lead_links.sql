-- Model fct_lead_links: which patient card(s) each lead belongs to.
-- Grain: one row per (lead_key, patient_id). A lead that links to nobody has no row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Funnel" (the lead's patient_id), "Marketing" (acquisition channel);
-- DATA.md "Loading rules" (leads link by patient_id when they have one, else by phone).
--
-- Phones are compared as salted hashes: leads.phone_hash = patients.phone_hash (one store salt),
-- so `8 (912) 000-00-01` on a lead matches `+79120000001` on a card.
-- Reading of an ambiguity: a phone shared by several cards (a parent who books for a child) links
-- the lead to each of them; the funnel still counts the lead once (fct_leads has one row per lead).
-- A lead is identified by the store's row key (_key): lead_id values from two CRM exports (leads
-- and deals) may collide, row keys do not.
create or replace temp table fct_lead_links as
with

leads_with_patient_id as (
    select
        _key as lead_key,
        patient_id,
    from leads
    where patient_id is not null
),

leads_matched_by_phone as (
    select distinct
        leads._key as lead_key,
        patients.patient_id,
    from leads
    inner join patients
        on leads.phone_hash = patients.phone_hash
    where leads.patient_id is null
),

final as (
    select * from leads_with_patient_id
    union
    select * from leads_matched_by_phone
)

select * from final
