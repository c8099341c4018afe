-- Model fct_reviews: reviews with the negative flag and the rating on a 5-point scale.
-- Grain: one row per reviews row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Quality of service" (avg_rating, negative_share), "Common terms" (Filters:
-- doctor_code is the name's code, dim_names, what kept_by_filters reads; a review carries no
-- department or branch).
--
-- is_negative: rating <= 3 on a 5-point scale, <= 6 on a 10-point scale (the store only holds 5
-- and 10; any other scale would use the same 60 % line).
-- Reading: avg_rating averages rating_5 = rating * 5 / rating_scale, so a file on a 10-point scale
-- and one on a 5-point scale can be averaged together; with only 5-point files it is the plain
-- mean of the ratings.
create or replace temp table fct_reviews as
with

final as (
    select
        reviews.date as review_date,
        reviews.doctor,
        doctors.code as doctor_code,
        reviews.rating,
        reviews.rating_scale,
        cast(reviews.rating as double) * 5 / reviews.rating_scale as rating_5,
        case reviews.rating_scale
            when 5 then reviews.rating <= 3
            when 10 then reviews.rating <= 6
            else reviews.rating <= 0.6 * reviews.rating_scale
        end as is_negative,
    from reviews
    left join dim_names as doctors
        on doctors.attribute = 'doctor' and doctors.name = reviews.doctor
)

select * from final
