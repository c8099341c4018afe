"""`python -m clinic_bi`: the engine without the browser (docs/CLI.md).

Every command prints a message a user can act on and exits non-zero on failure; no traceback
reaches the terminal for an expected problem (a bad file, a missing store, a wrong id).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clinic_bi import fmt, store
from clinic_bi.ingest import loader
from clinic_bi.ingest.mapping import MappingError, Profile, builtin_profiles
from clinic_bi.paths import default_db_path, make_private_dir, open_private, private_umask
from clinic_bi.periods import PERIOD_PRESETS
from clinic_bi.present.console import print_batches, print_load_results
from clinic_bi.present.exports import write_csv


def _say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _db(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else default_db_path()


def cmd_ingest(args: argparse.Namespace) -> int:
    try:
        profiles = [Profile.load(p) for p in args.profile]
    except MappingError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print("Нет такого файла или папки: " + ", ".join(map(str, missing)), file=sys.stderr)
        return 2
    files = loader.expand_paths(paths)
    if not files:
        print("В указанных папках нет файлов CSV/XLSX/XLS.", file=sys.stderr)
        return 2
    results = loader.ingest_paths(_db(args), files, profiles, on_wait=_say_waiting)
    if args.rejects:
        # Rejected rows hold what the store never keeps (full names, phones): each CSV is 0600
        # from its creation, a folder made for them 0700; an existing folder is left as it is.
        out = make_private_dir(args.rejects)
        for r in results:
            if r.rejected_rows is not None and len(r.rejected_rows):
                target = out / (Path(r.file).stem + ".rejected.csv")
                with open_private(target) as fh:
                    write_csv(r.rejected_rows, fh)
    if args.save_profile:
        loaded = [r for r in results if r.ok]
        if len(loaded) != 1:
            print("--save-profile сохраняет сопоставление одного файла: укажите один файл.",
                  file=sys.stderr)
            return 2
        r = loaded[0]
        profile = Profile(name=args.save_profile, table=r.kind or "", columns=r.mapping)
        con = store.connect(_db(args), on_wait=_say_waiting)
        try:
            loader.save_profile(con, profile)
        finally:
            con.close()
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1,
                         default=str))
    else:
        print_load_results(results, rejects_dir=args.rejects)
        if args.save_profile:
            print(f"Профиль «{args.save_profile}» сохранён в хранилище.")
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"ОШИБКА: {r.error}", file=sys.stderr)
    return 1 if failed else 0


def cmd_batches(args: argparse.Namespace) -> int:
    db = _db(args)
    if not db.exists():
        print(f"Хранилища {db} ещё нет: загрузок не было.")
        return 0
    con = store.connect(db, read_only=True)
    try:
        frame = loader.list_batches(con)
    finally:
        con.close()
    if args.format == "json":
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        print_batches(frame)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    db = _db(args)
    if not db.exists():
        print(f"Хранилища {db} нет.", file=sys.stderr)
        return 2
    con = store.connect(db, on_wait=_say_waiting)
    try:
        kind = loader.remove_batch(con, args.batch_id)
    except loader.LoadError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"Загрузка {args.batch_id} ({kind}) удалена; хранилище — как до неё.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo exports; with --load, build the demo store from them, unless the store
    there was built from this recipe and code and its exports are unchanged (demo/built.py):
    then it is reused as it is (--force builds it anyway)."""
    import datetime as dt

    from clinic_bi import fmt
    from clinic_bi.demo import built, default_end, write_demo
    from clinic_bi.paths import demo_db_path

    end = dt.date.fromisoformat(args.end) if args.end else default_end()
    out_dir = Path(args.out_dir)
    # The demo has its own store, so demo rows never mix with a clinic's data.
    db = Path(args.db) if args.db else demo_db_path()
    wanted = built.recipe(args.patients, args.seed, end)
    if args.load and not args.force and built.is_current(db, out_dir, wanted):
        print(f"Демо-хранилище {db} уже собрано из {out_dir} этой версией (пациентов "
              f"{fmt.number(args.patients)}, seed {args.seed}, данные по {fmt.day(end)}): "
              "оставлено как есть. Пересобрать: --force")
        return 0
    if args.load:
        built.forget(db)
    paths = write_demo(out_dir, patients=args.patients, seed=args.seed, end=end)
    for p in paths:
        print(p)
    files = fmt.count_ru(len(paths), "файл", "файла", "файлов")
    if not args.load:
        print(f"Готово: {files}. Загрузка: python -m clinic_bi ingest {args.out_dir}")
        return 0
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    results = loader.ingest_paths(db, paths)
    print_load_results(results)
    print(f"Демо-хранилище: {db}")
    if not all(r.ok for r in results):
        return 1
    built.remember(db, out_dir, wanted, paths)
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    db = _db(args)
    rows = [(p.name, p.table, "встроенный") for p in builtin_profiles()]
    if db.exists():
        con = store.connect(db, read_only=True)
        try:
            rows += [(p.name, p.table, "сохранённый") for p in loader.saved_profiles(con)]
        finally:
            con.close()
    for name, table, origin in rows:
        print(f"{name}  [{table}, {origin}]")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from clinic_bi.store.backup import BackupError, backup

    db = _db(args)
    if not db.exists():
        print(f"Хранилища {db} нет: копировать нечего.", file=sys.stderr)
        return 2
    try:
        manifest = backup(db, Path(args.dir))
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    rows = sum(manifest["rows"][t] for t in store.TABLES)
    print(f"Резервная копия записана в {args.dir}: "
          f"{fmt.count_ru(rows, 'строка', 'строки', 'строк')} данных, "
          f"{fmt.count_ru(manifest['rows']['batches'], 'загрузка', 'загрузки', 'загрузок')} в журнале.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from clinic_bi.store.backup import BackupError, restore

    try:
        manifest = restore(Path(args.dir), _db(args), force=args.force)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"Хранилище {_db(args)} восстановлено из копии от {manifest['created_at']}.")
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from clinic_bi.app.auth import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Пароль: ")
        if getpass.getpass("Ещё раз: ") != password:
            print("Пароли не совпадают.", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        print("Пароль не может быть пустым.", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from clinic_bi.present.report import run_report

    return run_report(args)


def cmd_send(args: argparse.Namespace) -> int:
    from clinic_bi.delivery.send import run_send

    return run_send(args)


def cmd_watch(args: argparse.Namespace) -> int:
    from clinic_bi.ingest.watch import run_watch

    return run_watch(args)


def period_args(sp: argparse.ArgumentParser) -> None:
    """A period as dates (--from and --to) or by name (--period, counted back from the last day
    of loaded data, as the sidebar's)."""
    sp.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    sp.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    sp.add_argument("--period", choices=list(PERIOD_PRESETS),
                    help="вместо --from/--to: период от последнего дня данных")


def build_parser() -> argparse.ArgumentParser:
    """The command line of docs/CLI.md, one block per command (a declarative table, hence its
    length)."""
    p = argparse.ArgumentParser(prog="python -m clinic_bi", description="Clinic BI: загрузка "
                                "выгрузок и отчёты по клинике.")
    sub = p.add_subparsers(dest="command", required=True)

    def db_arg(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", help="файл хранилища (по умолчанию $CLINIC_BI_DB или "
                                     "~/.clinic_bi/clinic.duckdb)")

    sp = sub.add_parser("ingest", help="загрузить выгрузки (файлы или папки)")
    sp.add_argument("paths", nargs="+", metavar="PATH")
    db_arg(sp)
    sp.add_argument("--profile", action="append", default=[], metavar="PROFILE.json",
                    help="профиль сопоставления столбцов (можно несколько)")
    sp.add_argument("--format", choices=["text", "json"], default="text")
    sp.add_argument("--rejects", metavar="DIR",
                    help="записать отклонённые строки в DIR/<файл>.rejected.csv")
    sp.add_argument("--save-profile", metavar="NAME",
                    help="запомнить сопоставление столбцов этого файла под именем NAME")
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("report", help="отчёт за период")
    period_args(sp)
    db_arg(sp)
    sp.add_argument("--doctor")
    sp.add_argument("--department")
    sp.add_argument("--branch")
    sp.add_argument("--return-window", type=int, default=180, metavar="DAYS")
    sp.add_argument("--funnel-window", type=int, default=90, metavar="DAYS")
    sp.add_argument("--format", choices=["text", "json", "pdf", "xlsx"], default="text")
    sp.add_argument("--out", metavar="FILE", help="для pdf и xlsx: файл отчёта (обязателен)")
    sp.add_argument("--lang", choices=["ru", "en"], default="ru",
                    help="язык текста, pdf и xlsx (по умолчанию ru)")
    sp.add_argument("--fixed-costs", choices=["none", "hours"], default="none",
                    help="постоянные расходы в рентабельности: none — не распределять "
                         "(по умолчанию), hours — по направлениям пропорционально часам кресла")
    sp.add_argument("--no-ahead", dest="ahead", action="store_false",
                    help="без прогноза, плана, «что изменилось» и списков звонков (прогноз "
                         "подбирается несколько секунд)")
    sp.set_defaults(func=cmd_report)

    sp = sub.add_parser("send", help="отправить отчёт собственнику по электронной почте")
    sp.add_argument("--to", dest="recipients", action="append", required=True,
                    metavar="ADDRESS", help="получатель (можно несколько)")
    sp.add_argument("--format", dest="formats", default="pdf", metavar="pdf,xlsx",
                    help="вложения через запятую: pdf, xlsx (по умолчанию pdf)")
    sp.add_argument("--period", choices=["last_month"], default="last_month",
                    help="last_month (по умолчанию): прошлый календарный месяц от сегодняшней "
                         "даты; не отправляется, пока данные не дошли до его конца")
    sp.add_argument("--lang", choices=["ru", "en"], default="ru")
    sp.add_argument("--force", action="store_true",
                    help="отправить, даже если отчёт за этот период уже отправлен")
    db_arg(sp)
    sp.set_defaults(func=cmd_send)

    sp = sub.add_parser("watch", help="загружать новые выгрузки из папки по мере появления")
    sp.add_argument("dir", nargs="?", metavar="DIR",
                    help="папка (по умолчанию та, что указана на странице «Данные»)")
    sp.add_argument("--once", action="store_true",
                    help="один проход по папке и выход (для cron)")
    sp.add_argument("--interval", type=float, default=30.0, metavar="SECONDS",
                    help="пауза между проходами (по умолчанию 30 с)")
    db_arg(sp)
    sp.set_defaults(func=cmd_watch)

    sp = sub.add_parser("batches", help="журнал загрузок")
    db_arg(sp)
    sp.add_argument("--format", choices=["text", "json"], default="text")
    sp.set_defaults(func=cmd_batches)

    sp = sub.add_parser("remove", help="отменить одну загрузку")
    sp.add_argument("batch_id", type=int, metavar="BATCH_ID")
    db_arg(sp)
    sp.set_defaults(func=cmd_remove)

    sp = sub.add_parser("demo", help="записать демонстрационные выгрузки")
    sp.add_argument("out_dir", metavar="OUT_DIR")
    sp.add_argument("--patients", type=int, default=6000, metavar="N")
    sp.add_argument("--seed", type=int, default=42, metavar="S")
    sp.add_argument("--end", metavar="YYYY-MM-DD",
                    help="последний день данных (по умолчанию конец прошлого месяца)")
    sp.add_argument("--load", action="store_true",
                    help="сразу загрузить в демо-хранилище (~/.clinic_bi/demo.duckdb или --db)")
    sp.add_argument("--db", help="хранилище для --load")
    sp.add_argument("--force", action="store_true",
                    help="с --load: собрать заново, даже если хранилище уже собрано этой версией")
    sp.set_defaults(func=cmd_demo)

    sp = sub.add_parser("backup", help="резервная копия хранилища (Parquet) в папку DIR")
    sp.add_argument("dir", metavar="DIR")
    db_arg(sp)
    sp.set_defaults(func=cmd_backup)

    sp = sub.add_parser("restore", help="восстановить хранилище из резервной копии DIR")
    sp.add_argument("dir", metavar="DIR")
    db_arg(sp)
    sp.add_argument("--force", action="store_true", help="заменить непустое хранилище")
    sp.set_defaults(func=cmd_restore)

    sp = sub.add_parser("hash-password",
                        help="хэш пароля для .streamlit/secrets.toml (пароль со стандартного ввода)")
    sp.set_defaults(func=cmd_hash_password)

    sp = sub.add_parser("profiles", help="профили сопоставления: встроенные и сохранённые")
    db_arg(sp)
    sp.set_defaults(func=cmd_profiles)
    return p


def main(argv: list[str] | None = None) -> int:
    """The CLI's entry point. Its first act is `private_umask()`: every file this process or
    DuckDB creates from here on (store, WAL, backups, rejected rows) is 0600, every folder 0700."""
    private_umask()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except store.StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 2

