-- Model fct_contracts: contracts and treatment plans as the metric queries read them (the
-- canonical table is not attached after the build).
-- Grain: one row per contracts row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Call lists" (treatment plans not started or not finished).
create or replace temp table fct_contracts as
with

final as (
    select
        contract_id,
        patient_id,
        signed_at as signed_date,
        amount,
        prepaid,
        doctor,
        department,
    from contracts
)

select * from final
