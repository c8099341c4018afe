-- Model fct_service_lines: the service lines, with the columns the services breakdown needs.
-- Grain: one row per services row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Services" (quantity, revenue, patients, duration_min for revenue per hour),
-- "Common terms" (Filters: doctor_code, department_code, branch_code are the names' codes,
-- dim_names, what kept_by_filters reads).
-- service_code: METRICS.md "Margins" (a cost row is matched by code first).
-- services.quantity is never null in the store (1 where the export had none).
create or replace temp table fct_service_lines as
with

final as (
    select
        services.visit_date,
        services.patient_id,
        doctors.code as doctor_code,
        departments.code as department_code,
        branches.code as branch_code,
        services.service,
        services.service_code,
        services.amount,
        services.quantity,
        services.duration_min,
    from services
    left join dim_names as doctors
        on doctors.attribute = 'doctor' and doctors.name = services.doctor
    left join dim_names as departments
        on departments.attribute = 'department' and departments.name = services.department
    left join dim_names as branches
        on branches.attribute = 'branch' and branches.name = services.branch
)

select * from final
