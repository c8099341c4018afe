-- Model fct_lead_links: which patient card(s) each lead belongs to.
-- Grain: one row per (lead_key, patient_id). A lead that links to nobody has no row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Funnel" (the lead's patient_id), "Marketing" (acquisition channel);
-- DATA.md "Loading rules" (leads link by patient_id when they have one, else by phone).
--
-- Phones are compared as salted hashes (one store salt), so `8 (912) 000-00-01` on a lead matches
-- `+79120000001` on a card. A cell may hold several phones (phone_hash lists each, comma-
-- separated): a lead links to a card that shares any of them.
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

lead_phones as (
    -- phone_hash holds every phone of the cell, comma-separated: one row per phone
    select
        _key as lead_key,
        unnest(string_split(phone_hash, ',')) as phone_hash,
    from leads
    where patient_id is null and phone_hash is not null
),

patient_phones as (
    select
        patient_id,
        unnest(string_split(phone_hash, ',')) as phone_hash,
    from patients
    where phone_hash is not null
),

leads_matched_by_phone as (
    select distinct
        lead_phones.lead_key,
        patient_phones.patient_id,
    from lead_phones
    inner join patient_phones using (phone_hash)
),

final as (
    select * from leads_with_patient_id
    union
    select * from leads_matched_by_phone
)

select * from final
