"""Benchmark: the full report on a store with 1,000,000 service lines.

    .venv/bin/python bench/bench_report.py [--lines 1000000] [--db PATH] [--keep]

Writes canonical rows straight into a fresh store with set-based SQL (no ingestion, no Python
loops): service lines, and in proportion patients, leads, appointments, contracts, marketing spend
and reviews, each with the store's _key/_batch_id/_row filled. Pseudo-random values come from
hash(row, salt), so a run is repeatable. Then it times the full report (every section, and the
comparison with the previous period and a year earlier):

- cold: a new Engine (models built from the store) plus the report;
- warm: the report again on the same Engine (models already built, remembered query results
  dropped before each run, so every query runs), best and median of 5;
- remembered: the same report asked again with the results kept (what a page re-draw costs);
- and each metric family on its own, warm.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from clinic_bi import store  # noqa: E402
from clinic_bi.metrics import Engine, Filters  # noqa: E402
from clinic_bi.present.report import build_report  # noqa: E402

# Set-based generators. Each is one statement with bound parameters only.
# rnd(x, salt) is a repeatable pseudo-random number in [0, 1).
MACROS = """
create or replace temp macro rnd(x, salt) as (hash(x, salt) % 1000003) / 1000003.0;
create or replace temp macro day0() as date '2023-01-01';
"""

GEN_PATIENTS = """
create or replace temp table gen_patients as
select
    p,
    'P' || p as patient_id,
    cast(floor(rnd(p, 1) * 1000) as integer) as start_day,
    cast(floor(rnd(p, 2) * $doctors) as integer) as home_doctor,
from range($patients) t(p)
"""

GEN_VISITS = """
create or replace temp table gen_visits as
with base as (
    select
        v,
        v % $patients as p,
        v // $patients as k,
    from range($visits) t(v)
)
select
    base.v,
    gen_patients.patient_id,
    cast(least(
        gen_patients.start_day + case when base.k = 0 then 0
            else base.k * 30 + cast(floor(rnd(base.v, 3) * 200) as integer) end,
        1094
    ) as integer) as day_no,
    case when rnd(base.v, 4) < 0.8 then gen_patients.home_doctor
        else cast(floor(rnd(base.v, 5) * $doctors) as integer) end as doctor_no,
    case when rnd(base.v, 6) < 0.7 then 'V' || base.v end as visit_id,
from base
join gen_patients using (p)
"""

INSERT_SERVICES = """
insert into services by name
select
    day0() + gen_visits.day_no as visit_date,
    gen_visits.patient_id,
    'Врач ' || gen_visits.doctor_no as doctor,
    'Отделение ' || (gen_visits.doctor_no % 6) as department,
    'Филиал ' || (gen_visits.doctor_no % 3) as branch,
    gen_visits.visit_id,
    'Услуга ' || ((gen_visits.doctor_no % 6) * 25 + cast(floor(rnd(l, 7) * 25) as integer))
        as service,
    case when rnd(l, 8) < 0.02 then -1 else 1 end as quantity,
    cast((500 + ((gen_visits.doctor_no % 6) * 25 + cast(floor(rnd(l, 7) * 25) as integer)) * 130)
        * case when rnd(l, 8) < 0.02 then -1 else 1 end as decimal(18, 2)) as amount,
    case when rnd(l, 9) < 0.9 then 30 * (1 + cast(floor(rnd(l, 7) * 25) as integer) % 3) end
        as duration_min,
    'svc' || l as _key,
    1 as _batch_id,
    cast(l + 2 as integer) as _row,
from range($lines) t(l)
join gen_visits on gen_visits.v = l % $visits
"""

INSERT_PATIENTS = """
insert into patients by name
select
    patient_id,
    case when rnd(p, 10) < 0.05 then day0() - cast(floor(rnd(p, 11) * 700) as integer) end
        as first_visit_date,
    case when rnd(p, 12) < 0.3 then 'Канал ' || cast(floor(rnd(p, 13) * 8) as integer) end
        as channel,
    case when rnd(p, 14) < 0.5 then 'phone' || p end as phone_hash,
    'pat' || p as _key,
    1 as _batch_id,
    cast(p + 2 as integer) as _row,
from gen_patients
"""

INSERT_LEADS = """
insert into leads by name
select
    'L' || n as lead_id,
    day0() + greatest(0, gen_patients.start_day - cast(floor(rnd(n, 15) * 20) as integer))
        + interval 10 hour as created_at,
    'Канал ' || cast(floor(rnd(n, 16) * 8) as integer) as channel,
    'Оператор ' || cast(floor(rnd(n, 17) * 10) as integer) as operator,
    (['new', 'booked', 'visited', 'contracted', 'lost', null])[
        1 + cast(floor(rnd(n, 18) * 6) as integer)] as stage,
    case when rnd(n, 19) < 0.4 then gen_patients.patient_id end as patient_id,
    case when rnd(n, 19) >= 0.4 and rnd(n, 20) < 0.7 then 'phone' || gen_patients.p end
        as phone_hash,
    'lead' || n as _key,
    1 as _batch_id,
    cast(n + 2 as integer) as _row,
from range($leads) t(n)
join gen_patients on gen_patients.p = (n * 7) % $patients
"""

INSERT_APPOINTMENTS = """
insert into appointments by name
select
    'A' || a as appointment_id,
    day0() + gen_visits.day_no + interval 9 hour
        + to_minutes(cast(floor(rnd(a, 21) * 480) as integer)) as scheduled_at,
    case when a < $visits then 'attended'
        else (['no_show', 'cancelled', 'planned'])[1 + cast(floor(rnd(a, 22) * 3) as integer)]
    end as status,
    gen_visits.patient_id,
    'Врач ' || gen_visits.doctor_no as doctor,
    'Отделение ' || (gen_visits.doctor_no % 6) as department,
    'Филиал ' || (gen_visits.doctor_no % 3) as branch,
    day0() + greatest(0, gen_visits.day_no - cast(floor(rnd(a, 23) * 14) as integer))
        + interval 8 hour as created_at,
    case when rnd(a, 24) < 0.05 then 'L' || cast(floor(rnd(a, 25) * $leads) as integer) end
        as lead_id,
    case when a < $visits and rnd(a, 26) < 0.6 then day0() + gen_visits.day_no + interval 9 hour
        + to_minutes(cast(floor(rnd(a, 21) * 480) as integer)
            + cast(floor(rnd(a, 27) * 25) as integer) - 5) end as started_at,
    'apt' || a as _key,
    1 as _batch_id,
    cast(a + 2 as integer) as _row,
from range($appointments) t(a)
join gen_visits on gen_visits.v = a % $visits
"""

INSERT_CONTRACTS = """
insert into contracts by name
select
    'C' || c as contract_id,
    day0() + gen_visits.day_no + cast(floor(rnd(c, 28) * 10) as integer) as signed_at,
    cast(20000 + floor(rnd(c, 29) * 300) * 1000 as decimal(18, 2)) as amount,
    gen_visits.patient_id,
    case when rnd(c, 30) < 0.1 then 'L' || cast(floor(rnd(c, 31) * $leads) as integer) end
        as lead_id,
    'Врач ' || gen_visits.doctor_no as doctor,
    'con' || c as _key,
    1 as _batch_id,
    cast(c + 2 as integer) as _row,
from range($contracts) t(c)
join gen_visits on gen_visits.v = (c * 13) % $visits
"""

INSERT_SPEND = """
insert into marketing_spend by name
select
    cast(day0() + to_months(m) as date) as date,
    'Канал ' || ch as channel,
    cast(50000 + floor(rnd(m * 8 + ch, 32) * 200) * 1000 as decimal(18, 2)) as amount,
    true as is_monthly,
    'spend' || (m * 8 + ch) as _key,
    1 as _batch_id,
    cast(m * 8 + ch + 2 as integer) as _row,
from range(36) m(m), range(8) c(ch)
"""

INSERT_REVIEWS = """
insert into reviews by name
select
    day0() + gen_visits.day_no + 1 as date,
    case when rnd(r, 33) < 0.5 then 1 + floor(rnd(r, 34) * 5) else 1 + floor(rnd(r, 34) * 10) end
        as rating,
    case when rnd(r, 33) < 0.5 then 5 else 10 end as rating_scale,
    'Врач ' || gen_visits.doctor_no as doctor,
    gen_visits.patient_id,
    'rev' || r as _key,
    1 as _batch_id,
    cast(r + 2 as integer) as _row,
from range($reviews) t(r)
join gen_visits on gen_visits.v = (r * 11) % $visits
"""


def generate(path: Path, lines: int) -> dict[str, int]:
    """Fill a fresh store; returns the row counts."""
    visits = lines * 2 // 5  # 2.5 lines per visit
    patients = max(visits // 5, 1)  # 5 visits per patient
    sizes = {
        "lines": lines,
        "visits": visits,
        "patients": patients,
        "doctors": 40,
        "leads": patients * 3 // 5,
        "appointments": visits * 23 // 20,
        "contracts": patients // 5,
        "reviews": visits // 15,
    }
    con = store.connect(path)
    try:
        con.execute(MACROS)
        con.execute(GEN_PATIENTS, {k: sizes[k] for k in ("patients", "doctors")})
        con.execute(GEN_VISITS, {k: sizes[k] for k in ("patients", "visits", "doctors")})
        con.execute("begin transaction")
        con.execute(INSERT_SERVICES, {k: sizes[k] for k in ("lines", "visits")})
        con.execute(INSERT_PATIENTS)
        con.execute(INSERT_LEADS, {k: sizes[k] for k in ("leads", "patients")})
        con.execute(INSERT_APPOINTMENTS, {k: sizes[k] for k in ("appointments", "visits", "leads")})
        con.execute(INSERT_CONTRACTS, {k: sizes[k] for k in ("contracts", "visits", "leads")})
        con.execute(INSERT_SPEND)
        con.execute(INSERT_REVIEWS, {k: sizes[k] for k in ("reviews", "visits")})
        store.bump_data_version(con)
        con.execute("commit")
        con.execute("checkpoint")
        return store.row_counts(con)
    finally:
        con.close()


def _timed(fn, *args, **kwargs) -> tuple[float, object]:
    started = perf_counter()
    result = fn(*args, **kwargs)
    return perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="store to write (default: a temp file)")
    parser.add_argument("--keep", action="store_true", help="keep the generated store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        args.db = Path(tmp.name) / "bench.duckdb"
    if args.db.exists():
        args.db.unlink()

    seconds, counts = _timed(generate, args.db, args.lines)
    print(f"generated in {seconds:.2f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    size_mb = args.db.stat().st_size / 1e6
    print(f"store {args.db} ({size_mb:.0f} MB)")

    year = Filters("2025-01-01", "2025-12-31")
    engine = Engine(args.db)
    cold, _ = _timed(build_report, engine, year, comparison=True)
    print(
        f"cold full report (models built + every section + comparison): {cold:.3f} s "
        f"(model build {engine.last_build_seconds:.3f} s)"
    )

    def warm(filters: Filters, comparison: bool) -> list[float]:
        runs = []
        for _ in range(args.repeat):
            engine.forget_results()
            runs.append(_timed(build_report, engine, filters, comparison=comparison)[0])
        return runs

    runs = warm(year, True)
    print(
        f"warm full report with comparison: best {min(runs):.3f} s, "
        f"median {statistics.median(runs):.3f} s"
    )
    print(
        f"warm full report without comparison: median {statistics.median(warm(year, False)):.3f} s"
    )
    doctor = Filters("2025-01-01", "2025-12-31", doctor=("Врач 3", "Врач 7"), branch="Филиал 0")
    print(
        f"warm report, two doctors + a branch: median {statistics.median(warm(doctor, False)):.3f} s"
    )
    again = [_timed(build_report, engine, year, comparison=True)[0] for _ in range(args.repeat)]
    print(f"remembered (same report asked again): median {statistics.median(again) * 1000:.1f} ms")

    print("warm, per metric family (median):")
    families = [
        "summary", "doctors", "departments", "services", "monthly", "funnel", "marketing",
        "show_up", "quality", "ltv_cohorts", "comparison",
    ]  # fmt: skip
    with engine.snapshot():
        for name in families:
            runs = []
            for _ in range(args.repeat):
                engine.forget_results()
                runs.append(_timed(getattr(engine, name), year)[0])
            print(f"  {name:<12} {statistics.median(runs) * 1000:7.1f} ms")
    check, _ = _timed(engine.refresh)
    print(f"data_version check (attach, read, detach): {check * 1000:.1f} ms")
    engine.close()
    if tmp is not None and not args.keep:
        tmp.cleanup()
    elif args.keep:
        print(f"kept {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
