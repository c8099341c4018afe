-- Model call_values: the scalar macro of the call lists' value at stake, one definition for all.
-- Grain: none (a scalar macro).
-- Parameters: none at build time; when called, revenue (the patient's whole history),
-- first_visit_date (first(p)) and data_end.
-- METRICS.md "Call lists" (Value at stake): the patient's yearly value = revenue / max(years
-- from first(p) to data_end, 1), years = days / 365.25 (unrounded; the lists round it).
create or replace temp macro yearly_value(revenue, first_visit_date, data_end) as
    revenue / cast(greatest((data_end - first_visit_date) / 365.25, 1.0) as decimal(18, 6));
