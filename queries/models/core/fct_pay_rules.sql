-- Model fct_pay_rules: how a doctor (or everyone) is paid, from a date on, as the margin queries
-- read them (the canonical table is not attached after the build); role null reads 'doctor'.
-- Grain: one row per pay_rules row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Margins" (doctor's pay of a line).
create or replace temp table fct_pay_rules as
with

final as (
    select
        doctor,
        department,
        basis,
        rate,
        valid_from,
        coalesce(role, 'doctor') as role,
    from pay_rules
)

select * from final
