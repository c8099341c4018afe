-- The file's notes: for each rule that read a cell other than as written (the `_notes` keys of
-- queries/ingest/<table>.sql), one sentence with the number of loaded rows it read, in the order
-- below. Reads `parsed` (one table's parsed rows). No parameters. DATA.md "Reading cells".
with phrases (position, note, phrase) as (
    values
        (1, 'amount_calc', 'Сумма не указана {в N строках}: посчитана как цена × количество − скидка.'),
        (2, 'dash_disc', 'Прочерк вместо скидки {в N строках}: прочитан как 0.'),
        (3, 'dash_paid', 'Прочерк вместо оплаты {в N строках}: прочитан как 0.'),
        (4, 'dash_prepaid', 'Прочерк вместо предоплаты {в N строках}: прочитан как 0.'),
        (5, 'dash_price', 'Прочерк вместо цены {в N строках}: цена оставлена пустой.'),
        (6, 'dash_amount', 'Прочерк вместо суммы {в N строках}: сумма оставлена пустой.'),
        (7, 'dash_dur', 'Прочерк вместо длительности {в N строках}: длительность оставлена пустой.'),
        (8, 'dash_wait', 'Прочерк вместо ожидания {в N строках}: ожидание оставлено пустым.'),
        (9, 'card_name', 'Номер карты не указан {в N строках}: пациент опознан по ФИО '
                         || '(и телефону или дате рождения, если они есть в файле).')
),

counted as (
    select note, count(*) as n_rows
    from (select unnest(_notes) as note from parsed where _ok and not _is_total)
    where note is not null
    group by note
),

final as (
    select
        replace(
            coalesce(phrases.phrase, counted.note || ' {в N строках}'),
            '{в N строках}',
            'в ' || replace(format('{:,}', counted.n_rows), ',', ' ')
            || case when counted.n_rows % 10 = 1 and counted.n_rows % 100 <> 11
                    then ' строке' else ' строках' end
        ) as note,
    from counted
    left join phrases on phrases.note = counted.note
    order by phrases.position nulls last, counted.note
)

select * from final
