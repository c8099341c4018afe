-- The file's own total against the sum of its lines (DATA.md "Loading rules": reconciled with
-- the file's totals). Reads `parsed` (one table's parsed rows, with `amount`), `staged` (the
-- first filled cell of each row: the total row's label) and `issues` (every rejected line).
-- No parameters. One row: file_total (null when the file has no total row with an amount),
-- total_source ('total': the last grand total, «Итого» / «Всего» alone or «по документу»;
-- 'subtotals': no grand total, the sum of the subtotal rows of one level: in a nested report,
-- «Итого по отделению» and «Итого по врачу» each add up to the whole, so only the level with the
-- fewest rows, the outermost, is summed), loaded_total (the lines loaded),
-- rejected_total and rejected_counted (the rejected lines whose amount reads),
-- rejected_unread (rejected lines whose amount does not read, or that could not be split).
with

totals as (
    select
        parsed._row,
        parsed.amount,
        regexp_matches(
            lower(staged._first_cells),
            '^\s*(итого|всего|итог|total)\s*(по\s+(документу|отч[её]ту|файлу|клинике|всем\s+\S+))?\s*[:.]?\s*$'
        ) as is_grand,
        -- a subtotal's level: the word after «по» («врачу», «отделению»), else none
        coalesce(lower(regexp_extract(staged._first_cells, '(?i)^\s*(итого|всего)\s+по\s+(\S+)', 2)), '')
            as level,
    from parsed
    inner join staged using (_row)
    where parsed._is_total and parsed.amount is not null
),

subtotal_levels as (
    select level, sum(amount) as amount, count(*) as n_rows
    from totals
    where not is_grand
    group by level
),

file_total as (
    select
        coalesce(
            (select amount from totals where is_grand order by _row desc limit 1),
            (select amount from subtotal_levels order by n_rows, level limit 1)
        ) as file_total,
        case
            when (select count(*) from totals where is_grand) > 0 then 'total'
            when (select count(*) from totals) > 0 then 'subtotals'
        end as total_source,
),

rejected as (
    select distinct row_number as _row from issues where severity = 'rejected'
),

lines as (
    select
        coalesce(sum(amount) filter (where rejected._row is null), 0) as loaded_total,
        coalesce(sum(amount) filter (where rejected._row is not null), 0) as rejected_total,
        count(amount) filter (where rejected._row is not null) as rejected_counted,
        count(*) filter (where rejected._row is not null and amount is null) as unread_parsed,
    from parsed
    left join rejected using (_row)
    where not parsed._is_total
),

unsplit as (
    -- lines the reader could not split: rejected, and never in `parsed`
    select count(*) as unread_lines
    from rejected
    anti join parsed using (_row)
),

final as (
    select
        file_total.file_total,
        file_total.total_source,
        lines.loaded_total,
        lines.rejected_total,
        lines.rejected_counted,
        lines.unread_parsed + unsplit.unread_lines as rejected_unread,
    from file_total, lines, unsplit
)

select * from final
