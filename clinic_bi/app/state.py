"""Shared page set-up: language, which store, the sidebar filters, navigation, and the URL.

Navigation: the pages are discovered from `pages/` (Streamlit's folder mode), so every page is a
standalone script and a deep link such as `/doctors?department=Ортопедия` works on a cold server.
The automatic navigation is hidden (`client.showSidebarNavigation = false`) and drawn here with
`st.page_link`, in the chosen language, carrying the filters in its query parameters.
(`st.navigation` is not used: with a `pages/` folder present, a cold server's first request takes
the folder route and bypasses it — see STYLE.md.)

State: the filters live in `st.session_state["flt"]`, a plain dict that is not a widget's state,
so it survives page switches. Each widget has its own key ("w_…"); its value is pushed from the
dict before it is drawn (only when the dict changed, so a half-picked date range is left alone)
and copied back by its on_change callback. At a session's first run the dict is read from the
URL (`st.query_params`); at every run the URL is rewritten from it, so a view can be bookmarked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import access, data
from clinic_bi.app.auth import User
from clinic_bi.app.i18n import EXPORTS, LANGS, t, table_label
from clinic_bi.app.safe import md
from clinic_bi.metrics import Filters
from clinic_bi.paths import default_db_path, demo_db_path
from clinic_bi.periods import PERIOD_PRESETS, months_back, preset_range
from clinic_bi.present import figures

# (page name, script path relative to the app's folder, icon)
PAGES: tuple[tuple[str, str, str], ...] = (
    ("overview", "streamlit_app.py", ":material/dashboard:"),
    ("doctors", "pages/1_doctors.py", ":material/stethoscope:"),
    ("departments", "pages/2_departments.py", ":material/account_tree:"),
    ("services", "pages/3_services.py", ":material/medical_services:"),
    ("retention", "pages/4_retention.py", ":material/autorenew:"),
    ("funnel", "pages/5_funnel.py", ":material/filter_alt:"),
    ("marketing", "pages/6_marketing.py", ":material/campaign:"),
    ("quality", "pages/7_quality.py", ":material/star:"),
    ("forecast", "pages/9_forecast.py", ":material/trending_up:"),
    ("plan", "pages/10_plan.py", ":material/flag:"),
    ("changes", "pages/11_changes.py", ":material/compare_arrows:"),
    ("calls", "pages/12_calls.py", ":material/call:"),
    ("margins", "pages/13_margins.py", ":material/savings:"),
    ("data", "pages/8_data.py", ":material/upload_file:"),
)
PAGE_SCRIPTS = {name: script for name, script, _ in PAGES}

PRESETS = (*PERIOD_PRESETS, "custom")
DEFAULT_PRESET = "last_12m"
DEFAULT_RETURN_WINDOW = 180
DEFAULT_FUNNEL_WINDOW = 90
NAME_FILTERS = ("doctor", "department", "branch")


# -- reading and writing the URL --------------------------------------------------------------


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _parse_int(text: str | None, default: int) -> int:
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return value if 0 <= value <= 3650 else default


def state_from_query(params: dict[str, list[str]]) -> dict[str, Any]:
    """The filter state a URL asks for (unknown or malformed values fall back to defaults)."""

    def one(key: str) -> str | None:
        values = params.get(key) or []
        return values[-1] if values else None

    preset = one("period") or DEFAULT_PRESET
    state: dict[str, Any] = {
        "lang": one("lang") if one("lang") in LANGS else "ru",
        "src": "demo" if one("src") == "demo" else "clinic",
        "preset": preset if preset in PRESETS else DEFAULT_PRESET,
        "date_from": _parse_date(one("from")),
        "date_to": _parse_date(one("to")),
        "return_window": _parse_int(one("h"), DEFAULT_RETURN_WINDOW),
        "funnel_window": _parse_int(one("w"), DEFAULT_FUNNEL_WINDOW),
    }
    for name in NAME_FILTERS:
        state[name] = [v for v in params.get(name, []) if v]
    if state["preset"] == "custom" and not (state["date_from"] and state["date_to"]):
        state["preset"] = DEFAULT_PRESET
    return state


def query_from_state(state: dict[str, Any]) -> dict[str, str | list[str]]:
    """The URL of a view: only what differs from the defaults."""
    out: dict[str, str | list[str]] = {}
    if state["lang"] != "ru":
        out["lang"] = state["lang"]
    if state["src"] != "clinic":
        out["src"] = state["src"]
    if state["preset"] != DEFAULT_PRESET:
        out["period"] = state["preset"]
    if state["preset"] == "custom":
        out["from"] = state["date_from"].isoformat()
        out["to"] = state["date_to"].isoformat()
    for name in NAME_FILTERS:
        if state[name]:
            out[name] = list(state[name])
    if state["return_window"] != DEFAULT_RETURN_WINDOW:
        out["h"] = str(state["return_window"])
    if state["funnel_window"] != DEFAULT_FUNNEL_WINDOW:
        out["w"] = str(state["funnel_window"])
    return out


def _current_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _sync_url(state: dict[str, Any]) -> None:
    wanted = {k: (v if isinstance(v, list) else [v]) for k, v in query_from_state(state).items()}
    if _current_query() != wanted:
        st.query_params.from_dict(query_from_state(state))


# -- the page context ---------------------------------------------------------------------------


@dataclass
class Page:
    """What a page gets from `setup()`: the language, the store it looks at, its facts, the
    filters as the metric API takes them, and who is using the app (access.py)."""

    name: str
    lang: str
    db: Path
    is_demo: bool
    info: data.StoreInfo | None
    filters: Filters | None
    state: dict[str, Any] = field(default_factory=dict)
    user: User = access.LOCAL_USER

    def t(self, key: str, **kwargs: Any) -> str:
        return t(key, self.lang, **kwargs)

    def has(self, table: str) -> bool:
        return self.info is not None and self.info.rows(table) > 0

    def require(self, *tables: str) -> None:
        """Stop the page with "upload this export" when none of `tables` holds a row."""
        if any(self.has(table) for table in tables):
            return
        needs_data(self, tables[0])
        st.stop()

    def summary_or_stop(self) -> Any:
        """The period's summary; a period with no visits stops the page with a plain message
        instead of drawing empty charts."""
        summary = self.metric("summary")
        if not summary.visits:
            st.info(self.t("empty_period"))
            st.stop()
        return summary

    def metric(self, family: str, *args: Any, f: Filters | None = None) -> Any:
        assert self.info is not None and self.filters is not None
        return data.metric(self.info, family, f or self.filters, *args)

    @property
    def clinic_filters(self) -> Filters:
        """The clinic a doctor or a department is compared with (METRICS.md "Breakdowns"): the
        period and the branch only, whatever doctors and departments are chosen."""
        assert self.filters is not None
        return replace(self.filters, doctor=None, department=None)

    def clinic_summary(self) -> Any:
        """The summary of the clinic as `clinic_filters` has it: the "клиника" of a reference
        line and of a card's comparison."""
        return self.metric("summary", f=self.clinic_filters)

    def members(self, dimension: str, clinic: Any) -> Any:
        """The doctors' or departments' table as Врачи and Направления show it: their own return
        rate and LTV under their own names (figures.own_names), and each one's share of the
        clinic's revenue (`clinic`: clinic_summary()), not of the rows chosen — one doctor
        chosen would be 100 % of itself."""
        frame = self.metric(dimension + "s").rename(columns=figures.own_names(dimension))
        frame["clinic_share"] = frame["revenue"] / clinic.revenue if clinic.revenue else None
        return frame


def needs_data(page: Page, table: str) -> None:
    lang = page.lang
    export = EXPORTS[table][0 if lang == "ru" else 1]
    st.info(t("needs_data", lang, table=table_label(table, lang), export=export), icon="📂")
    st.page_link(
        PAGE_SCRIPTS["data"], label=t("go_to_data", lang), icon=":material/upload_file:"
    )


def _state() -> dict[str, Any]:
    if "flt" not in st.session_state:
        st.session_state["flt"] = state_from_query(_current_query())
    return st.session_state["flt"]


def _push(key: str, value: Any) -> None:
    """Give widget `key` the value from the filter state, unless it already had it."""
    pushed = st.session_state.setdefault("_pushed", {})
    if key not in st.session_state or pushed.get(key) != value:
        st.session_state[key] = value
        pushed[key] = value


def _copy(name: str, key: str, convert: Callable[[Any], Any] = lambda v: v) -> Callable[[], None]:
    def callback() -> None:
        st.session_state["flt"][name] = convert(st.session_state[key])

    return callback


def _on_dates() -> None:
    picked = st.session_state.get("w_dates")
    if isinstance(picked, (tuple, list)) and len(picked) == 2 and all(picked):
        state = st.session_state["flt"]
        state["preset"] = "custom"
        state["date_from"], state["date_to"] = picked[0], picked[1]


def _on_source() -> None:
    st.session_state["flt"]["src"] = st.session_state["w_src"]
    for name in NAME_FILTERS:  # names of one store mean nothing in the other
        st.session_state["flt"][name] = []


def store_path(src: str) -> Path:
    return demo_db_path() if src == "demo" else default_db_path()


def setup(name: str) -> Page:
    """Call first on every page: page config, the login gate (access.py), sidebar (language,
    store, navigation, filters), URL sync. Returns what the page needs to ask the metric API."""
    state = _state()
    if st.session_state.get("_page") != name:
        # A page's widgets are new widgets: give every one its value from the filter state.
        st.session_state["_page"] = name
        st.session_state["_pushed"] = {}
    lang = state["lang"]
    title = t(f"nav_{name}", lang)
    # "auto": open on a desktop, closed on a phone (Streamlit's md breakpoint, 768 px), where an
    # open sidebar covers the page; "expanded" opened it over the page on every load there.
    st.set_page_config(
        page_title=f"{title} · Clinic BI", page_icon="🦷", layout="wide",
        initial_sidebar_state="auto",
    )  # fmt: skip
    user = access.gate(lang)  # the login form, or the refusal of a remote browser, stops here
    db = store_path(state["src"])
    info: data.StoreInfo | None = None
    error: str | None = None
    try:
        info = data.store_info(db)
    except Exception as exc:  # a store another program holds, a damaged file: say so
        error = str(exc)
    filters = _sidebar(name, state, info, user)
    _sync_url(state)
    if error:
        st.error(t("store_error", lang, error=md(error)))  # a path, a file's words
    return Page(name, lang, db, state["src"] == "demo", info, filters, state, user)


def _sidebar(
    name: str, state: dict[str, Any], info: data.StoreInfo | None, user: User
) -> Filters | None:
    lang = state["lang"]
    sb = st.sidebar
    with sb:
        st.markdown("### 🦷 Clinic BI")
        _push("w_lang", lang)
        st.segmented_control(
            t("language", lang), LANGS, key="w_lang", format_func=str.upper,
            label_visibility="collapsed", on_change=_copy("lang", "w_lang", lambda v: v or lang),
        )  # fmt: skip
        if state["src"] == "demo":
            st.caption(t("demo_banner", lang))
        links = query_from_state(state)
        for page_name, script, icon in PAGES:
            st.page_link(
                script, label=t(f"nav_{page_name}", lang), icon=icon, query_params=links,
                disabled=False,
            )  # fmt: skip
        access.sidebar_note(user, lang)
        st.divider()
        filters = _filter_widgets(state, info) if info is not None and not info.is_empty else None
        with st.expander(t("settings", lang), expanded=False):
            _push("w_h", state["return_window"])
            st.number_input(
                t("return_window", lang), min_value=1, max_value=3650, step=30, key="w_h",
                help=t("return_window_help", lang),
                on_change=_copy("return_window", "w_h", int),
            )  # fmt: skip
            _push("w_w", state["funnel_window"])
            st.number_input(
                t("funnel_window", lang), min_value=1, max_value=3650, step=30, key="w_w",
                on_change=_copy("funnel_window", "w_w", int),
            )  # fmt: skip
            _push("w_src", state["src"])
            st.radio(
                t("source", lang), ("clinic", "demo"), key="w_src",
                format_func=lambda v: t(f"source_{v}", lang), on_change=_on_source,
            )  # fmt: skip
    if filters is not None:
        filters = Filters(
            filters.date_from, filters.date_to, filters.doctor, filters.department,
            filters.branch, return_window=state["return_window"],
            funnel_window=state["funnel_window"],
        )  # fmt: skip
    return filters


def _filter_widgets(state: dict[str, Any], info: data.StoreInfo) -> Filters:
    lang = state["lang"]
    anchor = info.data_end or date.today()  # no services yet: count back from today
    start = info.data_start or months_back(anchor, 36)
    if state["preset"] != "custom":
        state["date_from"], state["date_to"] = preset_range(state["preset"], anchor)
    st.markdown(f"**{t('filters', lang)}**")
    _push("w_preset", state["preset"])

    def on_preset() -> None:
        state["preset"] = st.session_state["w_preset"]
        if state["preset"] != "custom":
            state["date_from"], state["date_to"] = preset_range(state["preset"], anchor)

    st.selectbox(
        t("period", lang), PRESETS, key="w_preset", on_change=on_preset,
        format_func=lambda p: t(f"preset_{p}", lang),
    )  # fmt: skip
    _push("w_dates", (state["date_from"], state["date_to"]))
    st.date_input(
        t("dates", lang), key="w_dates", on_change=_on_dates,
        min_value=min(start, state["date_from"]), max_value=max(anchor, state["date_to"]),
        format="DD.MM.YYYY" if lang == "ru" else "YYYY-MM-DD",
    )  # fmt: skip
    options = {"doctor": info.doctors, "department": info.departments, "branch": info.branches}
    for name in NAME_FILTERS:
        known = [v for v in state[name] if v in options[name]]
        state[name] = known
        if name == "branch" and len(options[name]) < 2:
            continue
        key = f"w_{name}"
        _push(key, list(known))
        st.multiselect(
            t(f"{name}s_filter" if name != "branch" else "branches_filter", lang),
            options[name], key=key, placeholder=t("all", lang),
            on_change=_copy(name, key, list),
        )  # fmt: skip
    return Filters(
        state["date_from"], state["date_to"],
        doctor=tuple(state["doctor"]) or None,
        department=tuple(state["department"]) or None,
        branch=tuple(state["branch"]) or None,
    )  # fmt: skip


def period_caption(page: Page) -> None:
    """One line under a page title: the period, the data's last day, the active filters."""
    f, info, lang = page.filters, page.info, page.lang
    if f is None or info is None:
        return
    text = t(
        "period_caption", lang, start=fmt.day(f.date_from, lang), end=fmt.day(f.date_to, lang),
        data_end=fmt.day(info.data_end, lang),
    )  # fmt: skip
    # the names come from the clinic's files: literal text in the caption's markdown (safe.md)
    chosen = [", ".join(md(name) for name in v) for v in (page.state["doctor"],
              page.state["department"], page.state["branch"]) if v]  # fmt: skip
    if chosen:
        text += " · " + t("filtered_by", lang, what="; ".join(chosen))
    st.caption(text)
