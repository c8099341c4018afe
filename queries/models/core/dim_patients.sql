-- Model dim_patients: a patient's first visit date first(p) and acquisition channel.
-- Grain: one row per patient_id found in services or in the patients list.
-- Parameters: none (built once per data_version). Filters never apply here: first(p) always comes
-- from the whole history (METRICS.md "Common terms", filter rule).
-- METRICS.md "First and returning visits" (first(p)), "Marketing" (acquisition channel).
--
-- first(p) = the earliest visit_date of p in all loaded lines, or patients.first_visit_date when
-- that is earlier (the export lacks the early history).
-- Acquisition channel = patients.channel; else the channel of p's earliest linked lead;
-- else 'unknown'.
-- Channels are named by dim_channels (one name however spelt; merges of the Данные page).
-- Readings: a blank channel (or `null`, `-`: dim_channels) counts as none; "earliest lead" is the earliest linked lead that has a
-- channel (ties broken by row key); a card loaded twice with different channels keeps the latest
-- upload's.
create or replace temp table dim_patients as
with

service_patients as (
    select
        patient_id,
        min(visit_date) as first_line_date,
    from stg_visits
    group by patient_id
),

listed_patients as (
    select
        patients.patient_id,
        min(patients.first_visit_date) as listed_first_visit_date,
        arg_max(dim_channels.channel, patients._batch_id)
            filter (where dim_channels.channel is not null) as listed_channel,
    from patients
    left join dim_channels
        on dim_channels.channel_key = channel_key(patients.channel)
    group by patients.patient_id
),

lead_channels as (
    select
        fct_lead_links.patient_id,
        arg_min(dim_channels.channel, (leads.created_at, leads._key))
            filter (where dim_channels.channel is not null) as lead_channel,
    from fct_lead_links
    inner join leads
        on leads._key = fct_lead_links.lead_key
    left join dim_channels
        on dim_channels.channel_key = channel_key(leads.channel)
    group by fct_lead_links.patient_id
),

all_patients as (
    select patient_id from service_patients
    union
    select patient_id from listed_patients
),

final as (
    select
        all_patients.patient_id,
        -- a small integer for the same patient: what the metric queries group and join by
        cast(row_number() over () as integer) as patient_num,
        -- least() skips nulls: whichever of the two dates is known and earlier
        least(
            service_patients.first_line_date, listed_patients.listed_first_visit_date
        ) as first_visit_date,
        service_patients.first_line_date,
        listed_patients.listed_first_visit_date,
        coalesce(
            listed_patients.listed_channel, lead_channels.lead_channel, 'unknown'
        ) as acquisition_channel,
    from all_patients
    left join service_patients using (patient_id)
    left join listed_patients using (patient_id)
    left join lead_channels using (patient_id)
)

select * from final
