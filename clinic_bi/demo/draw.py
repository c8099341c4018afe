"""The demo's window and the small drawing helpers the simulation is built from (each takes the
one `numpy.random.Generator` and draws from it in a fixed order)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from clinic_bi.demo.catalogue import FEMALE_NAMES, MALE_NAMES, PATRONYMICS, SURNAMES, YEARS


def default_end(today: dt.date | None = None) -> dt.date:
    """The last day of the previous calendar month."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28) + dt.timedelta(days=1)


def window(end: dt.date) -> tuple[dt.date, list[tuple[dt.date, dt.date]]]:
    """The window's first day and its three 12-month slices (first day, last day)."""
    after = end + dt.timedelta(days=1)
    starts = [_years_before(after, YEARS - k) for k in range(YEARS)] + [after]
    slices = [(starts[k], starts[k + 1] - dt.timedelta(days=1)) for k in range(YEARS)]
    return starts[0], slices


def _pick(rng: np.random.Generator, options: tuple | np.ndarray, size: int, p=None) -> np.ndarray:
    options = np.asarray(options, dtype=object)
    return options[rng.choice(len(options), size=size, p=p)]


def _days(start: dt.date, offsets: np.ndarray) -> np.ndarray:
    return np.datetime64(start, "D") + offsets.astype("timedelta64[D]")


def _no_sunday(days: np.ndarray) -> np.ndarray:
    """Move Sundays to Monday (the clinic works six days a week)."""
    weekday = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    return days + (weekday == 6).astype("timedelta64[D]")


def _female_surname(male: np.ndarray) -> np.ndarray:
    s = pd.Series(male, dtype=str)
    return np.where(
        s.str.endswith("ский"),
        s.str.slice(0, -2) + "ая",
        np.where(s.str.contains(r"(?:ов|ев|ёв|ин|ын)$", regex=True), s + "а", s),
    ).astype(object)


def _names(rng: np.random.Generator, female: np.ndarray) -> tuple[np.ndarray, ...]:
    """Family surname (masculine form), then surname, first name and patronymic in the person's
    own gender."""
    n = len(female)
    family = _pick(rng, SURNAMES, n)
    surname = np.where(female, _female_surname(family), family)
    first = np.where(female, _pick(rng, FEMALE_NAMES, n), _pick(rng, MALE_NAMES, n))
    pat = rng.integers(0, len(PATRONYMICS), n)
    patronymic = np.array(PATRONYMICS, dtype=object)[pat, female.astype(int)]
    return family, surname, first, patronymic


def _exactly(rng: np.random.Generator, eligible: np.ndarray, share: float) -> np.ndarray:
    """A random subset of `eligible` of exactly round(share × its size): the story's proportions
    hold at every seed instead of drifting with binomial noise."""
    idx = np.flatnonzero(eligible)
    out = np.zeros(len(eligible), dtype=bool)
    out[rng.choice(idx, size=round(share * len(idx)), replace=False)] = True
    return out


def _unique_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct ten-digit mobile numbers 9XXXXXXXXX (as integers)."""
    out = np.unique(rng.integers(9_000_000_000, 9_999_999_999, size=n + n // 10 + 16))
    while len(out) < n:  # practically never
        out = np.unique(np.concatenate([out, rng.integers(9_000_000_000, 9_999_999_999, n)]))
    return rng.permutation(out)[:n]


def _cumsum_by_group(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sum of `values` restarting at each group (groups are consecutive runs)."""
    total = np.cumsum(values)
    starts = np.cumsum(counts) - counts
    return total - np.repeat(total[starts] - values[starts], counts)


def _rank_in_group(keys: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """0, 1, 2 … within each group of identical keys, in random order."""
    frame = keys.assign(_r=rng.random(len(keys)))
    order = frame.sort_values([*keys.columns, "_r"], kind="stable").index
    ranks = frame.loc[order].groupby(list(keys.columns), sort=False).cumcount()
    return ranks.reindex(keys.index).to_numpy()



_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya",
)  # fmt: skip
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


def _translit(word: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in word.lower())


def _emails(rng: np.random.Generator, first: np.ndarray, surname: np.ndarray) -> np.ndarray:
    """About a third of leads leave an e-mail (transliterated name, digits, a common domain)."""
    n = len(first)
    domains = _pick(rng, ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"), n)
    digits = rng.integers(1, 99, n)
    has = rng.random(n) < 0.35
    cache: dict[str, str] = {}
    out = np.full(n, "", dtype=object)
    for i in np.flatnonzero(has):
        a = cache.setdefault(first[i], _translit(first[i]))
        b = cache.setdefault(surname[i], _translit(surname[i])) if surname[i] else ""
        out[i] = f"{a}.{b}{digits[i]}@{domains[i]}" if b else f"{a}{digits[i]}@{domains[i]}"
    return out

