"""What changed, in words: short sentences in Russian and English from clinic_bi.metrics.changes,
each with its numbers and a link to the page and filter that shows it (METRICS.md "What changed").

Deterministic rules, in this order (`sentences`):

1. the total: revenue up / down / unchanged, with the relative change of visits and of the average
   check and their effects in money (or, when the comparison is not made, why: months missing,
   periods of different length, no data yet);
2. per dimension (department, doctor, service, channel): the member with the largest rise and the
   one with the largest fall, when |change| reaches the threshold (`Changes.threshold`); a
   department with its services' price effect, a service with its volume and price effects;
3. new and lost doctors and services (at most three named, then "ещё N");
4. the services' split (volume, price, joint, new, dropped);
5. each month whose revenue, visits or new patients fall outside the 95 % forecast band.

`top_sentences` picks the three most important for Обзор: the total, then the rest by the money
they are about (`Sentence.weight`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from clinic_bi import fmt
from clinic_bi.metrics.api import Filters
from clinic_bi.metrics.changes import Changes
from clinic_bi.present import figures
from clinic_bi.present.words import label, t, value

NAMES_SHOWN = 3
MINUS = "−"

# The page that shows each dimension, and the filter a member of it sets (None: no such filter).
DIMENSION_PAGES: dict[str, tuple[str, str | None]] = {
    "department": ("departments", "department"),
    "doctor": ("doctors", "doctor"),
    "service": ("services", None),
    "channel": ("marketing", None),
}


@dataclass(frozen=True)
class Link:
    """A page (a name of clinic_bi.app.state.PAGES) and its URL parameters, in the format of
    state.query_from_state: period 'custom' with from / to, and doctor / department / branch
    lists."""

    page: str
    params: dict[str, str | list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Sentence:
    """One sentence: `kind` (total, not_compared, mover, new, lost, services, outside), its text,
    the numbers it states (plain values), where to look (`link`, None when no page shows it) and
    `weight`, the money it is about (how top_sentences ranks)."""

    kind: str
    text: str
    numbers: dict[str, Any]
    link: Link | None
    weight: float = 0.0


# -- numbers as the sentences write them -------------------------------------------------------


def signed_money(amount: float | None, lang: str) -> str:
    """+2,1 млн ₽ / −475 025 ₽ / 0 ₽ (a true minus sign)."""
    if amount is None or pd.isna(amount):
        return fmt.DASH
    sign = "+" if amount > 0 else MINUS if amount < 0 else ""
    return sign + fmt.money(abs(amount), lang, nbsp=True)


def signed_percent(ratio: float | None, lang: str) -> str:
    """+8 % (whole per cent from 10 % on) / −1,2 % (one decimal below 10 %)."""
    if ratio is None or pd.isna(ratio):
        return fmt.DASH
    digits = 0 if abs(ratio) >= 0.095 else 1
    text = fmt.percent(abs(ratio), lang, digits, nbsp=True)
    rounded = round(abs(ratio) * 100, digits)
    sign = "" if rounded == 0 else "+" if ratio > 0 else MINUS
    return sign + text


def _rel(ratio: float | None, lang: str) -> str:
    """ ' (+8 %)' or nothing when there is no relative change (the basis was 0)."""
    return "" if ratio is None or pd.isna(ratio) else f" ({signed_percent(ratio, lang)})"


def member_name(member: Any, dimension: str, lang: str) -> str:
    if member is None or (isinstance(member, float) and pd.isna(member)):
        return value("none", lang)
    if dimension == "channel" and member == "unknown":
        return value("unknown", lang)
    return str(member)


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return v.item() if hasattr(v, "item") else v


# -- links ---------------------------------------------------------------------------------------


def link(page: str, f: Filters, **names: str | None) -> Link:
    """`page` showing the period f (as a custom period) with f's doctor / department / branch,
    each replaced by the name given (a name None drops that filter)."""
    params: dict[str, str | list[str]] = {
        "period": "custom", "from": f.date_from.isoformat(), "to": f.date_to.isoformat(),
    }  # fmt: skip
    for key in ("doctor", "department", "branch"):
        chosen = getattr(f, key)
        if key in names:
            chosen = names[key]
        if chosen:
            params[key] = [chosen] if isinstance(chosen, str) else list(chosen)
    return Link(page, params)


def _member_link(c: Changes, dimension: str, member: Any) -> Link:
    page, key = DIMENSION_PAGES[dimension]
    if key is None or member is None:
        return link(page, c.current)
    return link(page, c.current, **{key: str(member)})


# -- the sentences ---------------------------------------------------------------------------------


def basis_phrase(c: Changes, lang: str) -> str:
    """"К прошлому периоду" / "К тому же периоду год назад" (also for twelve whole months, whose
    previous period is the same days a year earlier)."""
    previous = c.basis == "previous" and not c.same_periods
    return t("chg_basis_previous_in" if previous else "chg_basis_year_in", lang)


def total_sentence(c: Changes, lang: str) -> Sentence:
    """The total change split into visits × check, or why there is no comparison."""
    if not c.compared or c.split is None:
        return not_compared_sentence(c, lang)
    s = c.split
    numbers = {k: _plain(v) for k, v in vars(s).items()}
    where = link("overview", c.current)
    basis = basis_phrase(c, lang)
    if round(s.change) == 0:
        text = t("chg_total_flat", lang, basis=basis,
                 revenue=fmt.money(s.revenue_1, lang, nbsp=True))
        return Sentence("total", text, numbers, where, abs(s.change))
    if s.visits_effect is None:
        detail = t("chg_split_none", lang)
    else:
        detail = t("chg_split", lang, visits=signed_percent(s.visits_rel, lang),
                   visits_effect=signed_money(s.visits_effect, lang),
                   check=signed_percent(s.check_rel, lang),
                   check_effect=signed_money(s.check_effect, lang))  # fmt: skip
    key = "chg_total_up" if s.change > 0 else "chg_total_down"
    text = t(key, lang, basis=basis, change=fmt.money(abs(s.change), lang, nbsp=True),
             rel=_rel(s.change_rel, lang), split=detail)  # fmt: skip
    return Sentence("total", text, numbers, where, abs(s.change))


def not_compared_sentence(c: Changes, lang: str) -> Sentence:
    numbers: dict[str, Any] = {"reason": c.reason, "gaps": list(c.gaps)}
    target: Link | None = None
    if c.reason == "gaps":
        text = t("chg_not_compared_gaps", lang, basis=t(f"chg_basis_{c.basis}", lang),
                 months=figures.months_text(list(c.gaps), lang))  # fmt: skip
        target = Link("data", {})
    elif c.reason == "length":
        numbers.update(days=c.current.days, base_days=c.base.days)
        text = t("chg_not_compared_length", lang, n=c.current.days, m=c.base.days)
    elif c.reason == "ahead":
        text = t("chg_not_compared_ahead", lang, day=fmt.day(c.data_end, lang))
    else:
        text = t("chg_not_compared_no_data", lang)
    return Sentence("not_compared", text, numbers, target, 0.0)


def mover_sentences(c: Changes, dimension: str, lang: str) -> list[Sentence]:
    """The largest rise and the largest fall of a dimension that reach the threshold."""
    up, down = c.movers(dimension)
    out = []
    for direction, frame in (("up", up), ("down", down)):
        if frame.empty:
            continue
        row = frame.iloc[0]
        member = _plain(row["member"])
        kw: dict[str, Any] = {
            "name": member_name(member, dimension, lang),
            "change": signed_money(row["change"], lang),
            "rel": _rel(_plain(row["change_rel"]), lang),
        }
        numbers = {k: _plain(row[k]) for k in ("member", "revenue_0", "revenue_1", "change",
                                                "change_rel")}  # fmt: skip
        if dimension == "department":
            kw["price"] = signed_money(row["price_effect"], lang)
            numbers["price_effect"] = _plain(row["price_effect"])
        if dimension == "service":
            price, volume = _plain(row["price_effect"]), _plain(row["volume_effect"])
            numbers.update(price_effect=price, volume_effect=volume,
                           mix_effect=_plain(row["mix_effect"]), status=row["status"])
            kw["effects"] = "" if price is None or volume is None else ", " + t(
                "chg_service_effects", lang, volume=signed_money(volume, lang),
                price=signed_money(price, lang))
        text = t(f"chg_mover_{dimension}_{direction}", lang, **kw)
        out.append(Sentence("mover", text, {"dimension": dimension, **numbers},
                            _member_link(c, dimension, member), abs(float(row["change"]))))
    return out


def _names(frame: pd.DataFrame, column: str, dimension: str, lang: str, was: bool) -> str:
    parts = []
    for row in frame.head(NAMES_SHOWN).itertuples(index=False):
        amount = getattr(row, column)
        shown = (t("chg_was", lang, value=fmt.money(amount, lang, nbsp=True)) if was
                 else signed_money(amount, lang))
        parts.append(f"{member_name(row.member, dimension, lang)} — {shown}")
    text = "; ".join(parts)
    if len(frame) > NAMES_SHOWN:
        text += " " + ("и " if lang == "ru" else "and ") + t(
            f"chg_more_{dimension}", lang, n=len(frame) - NAMES_SHOWN)
    return text


def new_and_lost_sentences(c: Changes, lang: str) -> list[Sentence]:
    out = []
    for dimension in ("doctor", "service"):
        page = DIMENSION_PAGES[dimension][0]
        for kind, frame, column in (("new", c.appeared(dimension), "revenue_1"),
                                    ("lost", c.disappeared(dimension), "revenue_0")):
            if frame.empty:
                continue
            text = t(f"chg_{kind}_{dimension}", lang,
                     names=_names(frame, column, dimension, lang, was=kind == "lost"))
            numbers = {"dimension": dimension,
                       "members": [_plain(m) for m in frame["member"]],
                       "revenue": float(frame[column].sum())}
            out.append(Sentence(kind, text, numbers, link(page, c.current),
                                float(frame[column].sum())))
    return out


def services_sentence(c: Changes, lang: str) -> list[Sentence]:
    e = c.services
    if e is None:
        return []
    text = t("chg_services_split", lang, volume=signed_money(e.volume, lang),
             price=signed_money(e.price, lang), mix=signed_money(e.mix, lang),
             new=signed_money(e.new, lang), lost=signed_money(-e.lost, lang))  # fmt: skip
    numbers = {k: _plain(v) for k, v in vars(e).items()}
    weight = max(abs(e.volume), abs(e.price), abs(e.mix), abs(e.new), abs(e.lost))
    return [Sentence("services", text, numbers, link("services", c.current), weight)]




def outside_sentences(c: Changes, lang: str) -> list[Sentence]:
    """A month outside the 95 % band. Weight: how far outside, as a share of the band's edge,
    times the period's revenue (so a 10 % miss ranks with a 10 % move of revenue)."""
    frame = c.outside
    if frame.empty:
        return []
    revenue = abs(c.split.revenue_1) if c.split is not None else 0.0
    out = []
    for row in frame[frame["side"].notna()].to_dict("records"):
        edge = row["hi95"] if row["side"] == "above" else row["lo95"]
        text = t(f"chg_outside_{row['side']}", lang, figure=label(row["figure"], lang),
                 month=fmt.month(row["month"], lang),
                 actual=figures.amount(row["figure"], row["actual"], lang, nbsp=True),
                 lo=figures.amount(row["figure"], row["lo95"], lang, nbsp=True),
                 hi=figures.amount(row["figure"], row["hi95"], lang, nbsp=True))  # fmt: skip
        miss = abs(row["actual"] - edge) / abs(edge) if edge else 1.0
        numbers = {k: _plain(row[k]) for k in ("figure", "actual", "point", "lo95", "hi95",
                                                "side")}  # fmt: skip
        numbers["month"] = row["month"].isoformat()
        out.append(Sentence("outside", text, numbers, Link("forecast", link(
            "forecast", c.asked).params), miss * revenue))
    return out


def sentences(c: Changes, lang: str) -> list[Sentence]:
    """Every sentence, in the order of the module's rules."""
    out = [total_sentence(c, lang)]
    if c.compared:
        for dimension in ("department", "doctor", "service", "channel"):
            out += mover_sentences(c, dimension, lang)
        out += new_and_lost_sentences(c, lang)
        out += services_sentence(c, lang)
    out += outside_sentences(c, lang)
    return out


def top_sentences(c: Changes, lang: str, n: int = 3) -> list[Sentence]:
    """The n most important: the total (or why there is none) first, then the others by weight
    (ties: the order of `sentences`); the services' split is left to the page."""
    every = sentences(c, lang)
    rest = [s for s in every[1:] if s.kind != "services"]
    rest.sort(key=lambda s: -s.weight)  # stable: ties keep the rule order
    return [every[0], *rest][:n]


def report_lines(c: Changes, lang: str) -> list[str]:
    """The sentences as the text report prints them, one a line (their links left out)."""
    return [s.text for s in sentences(c, lang)]
