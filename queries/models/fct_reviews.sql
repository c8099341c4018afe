-- Model fct_reviews: reviews with the negative flag and the rating on a 5-point scale.
-- Grain: one row per reviews row.
-- Parameters: none (built once per data_version).
-- METRICS.md "Quality of service" (avg_rating, negative_share).
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
        date as review_date,
        doctor,
        rating,
        rating_scale,
        cast(rating as double) * 5 / rating_scale as rating_5,
        case rating_scale
            when 5 then rating <= 3
            when 10 then rating <= 6
            else rating <= 0.6 * rating_scale
        end as is_negative,
    from reviews
)

select * from final
