-- Model fct_service_lines: the service lines, with the columns the services breakdown needs.
-- Grain: one row per services row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Services" (quantity, revenue, patients, duration_min for revenue per hour).
-- services.quantity is never null in the store (1 where the export had none).
create or replace temp table fct_service_lines as
with

final as (
    select
        visit_date,
        patient_id,
        doctor,
        department,
        branch,
        service,
        amount,
        quantity,
        duration_min,
    from services
)

select * from final
