"""Plain-text output of the CLI's load and journal commands (Russian, as the users read it)."""

from __future__ import annotations

import pandas as pd

from clinic_bi.ingest.loader import LoadResult
from clinic_bi.ingest.messages import sentence
from clinic_bi.tables import TABLE_SPECS


def _n(x: int) -> str:
    return f"{x:,}".replace(",", " ")


def print_load_results(results: list[LoadResult], rejects_dir: str | None = None) -> None:
    for r in results:
        if not r.ok:
            print(f"✗ {r.file}: не загружен. {r.error}")
            continue
        if r.duplicate_of is not None:
            print(f"= {r.file}: уже загружен (загрузка № {r.duplicate_of}), пропущен.")
            continue
        label = TABLE_SPECS[r.kind].label_ru if r.kind else "?"
        how = f"профиль «{r.profile}»" if r.profile else "распознано по заголовкам"
        print(f"✓ {r.file} → {label} [{r.kind}]; {r.fmt}; {how}")
        line = (f"  загружено {_n(r.rows_loaded)} (новых {_n(r.rows_new)}, заменено уже "
                f"загруженных {_n(r.rows_replaced)}), отклонено {_n(r.rows_rejected)}")
        if r.rows_skipped:
            line += f", пропущено итоговых и пустых строк {_n(r.rows_skipped)}"
        if r.warnings:
            line += f", с предупреждениями {_n(r.warnings)}"
        print(line)
        if r.period[0]:
            print(f"  период данных: {r.period[0]:%d.%m.%Y} — {r.period[1]:%d.%m.%Y}; "
                  f"загрузка № {r.batch_id}")
        if r.ignored_columns:
            print("  не используются столбцы: " + ", ".join(f"«{c}»" for c in r.ignored_columns))
        for issue in r.issues[:5]:
            kind = "отклонена" if issue.severity == "rejected" else "предупреждение"
            said = sentence(issue.column, issue.value, issue.reason, "ru")
            print(f"  строка {issue.row} ({kind}): {said}")
        if r.rows_rejected and rejects_dir:
            print(f"  отклонённые строки записаны в {rejects_dir}")
        elif r.rows_rejected:
            print("  все отклонённые строки: добавьте --rejects ПАПКА")
        if r.reconciliation is not None:
            mark = "=" if r.reconciliation.agrees else "≠"
            print(f"  {mark} сверка с итогом файла: {r.reconciliation_text('ru')}")
        for note in r.notes:
            print("  ! " + note)
    ok = sum(1 for r in results if r.ok)
    print(f"Итого файлов: {len(results)}, загружено: {ok}, с ошибкой: {len(results) - ok}.")


def print_batches(frame: pd.DataFrame) -> None:
    if frame.empty:
        print("Загрузок нет.")
        return
    for row in frame.itertuples(index=False):
        period = ""
        if pd.notna(row.period_from):
            period = f" {row.period_from:%d.%m.%Y}—{row.period_to:%d.%m.%Y}"
        print(
            f"{row.batch_id:>4}  {row.loaded_at:%d.%m.%Y %H:%M}  {row.kind:<15} "
            f"{row.file_name}  строк {_n(row.rows_loaded)} (заменено {_n(row.rows_replaced)}, "
            f"отклонено {_n(row.rows_rejected)}){period}"
        )
