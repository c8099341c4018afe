"""Обзор's «Отчёт собственнику»: the owner's report as PDF and XLSX for the page's filters.

The files are the CLI's (`report --format pdf|xlsx`, `send`): report_files builds the report
object once and renders both from it. Rendering takes seconds (typesetting, charts), so nothing
is built until the owner asks: one button prepares both files, then two buttons download them.
The prepared files are kept in the session under the store's data version, the filters and the
language: a new upload, another filter or the other language asks again instead of handing out
a file of other figures.
"""

from __future__ import annotations

import sys
from dataclasses import astuple
from typing import Any

import streamlit as st

from clinic_bi.app import data
from clinic_bi.app.i18n import t

STATE_KEY = "owner_report_files"


def _wanted(page: Any) -> tuple:
    return (str(page.info.path), page.info.version, astuple(page.filters), page.lang)


def prepare(page: Any) -> dict[str, bytes]:
    """Both files of the report of the page's filters: {'pdf': bytes, 'xlsx': bytes}. The
    report's queries run under the store's lock; the rendering does not hold it."""
    from clinic_bi.present import report_files

    with data.engine_for(page.info.path) as engine:
        report = report_files.owner_report(engine, page.filters, page.lang)
    return {kind: report_files.render(report, page.filters, kind, page.lang)
            for kind in report_files.FORMATS}


def draw(page: Any) -> None:
    """The section: a caption of what the files hold, then «Подготовить» or the two downloads."""
    from clinic_bi.present import report_files

    lang = page.lang
    st.caption(t("owner_report_caption", lang))
    kept = st.session_state.get(STATE_KEY)
    files = kept[1] if kept is not None and kept[0] == _wanted(page) else None
    if files is None:
        slot = st.empty()  # the button gives way to the downloads once the files are ready
        if slot.button(t("owner_report_prepare", lang), icon=":material/description:",
                       key="owner_report_prepare"):
            slot.empty()
            with st.spinner(t("owner_report_preparing", lang)):
                try:
                    files = prepare(page)
                except Exception as exc:  # noqa: BLE001 - said in the user's words, logged whole
                    print(f"clinic_bi: owner's report: {type(exc).__name__}: {exc}",
                          file=sys.stderr)
                    st.error(t("owner_report_failed", lang))
                    return
            st.session_state[STATE_KEY] = (_wanted(page), files)
        else:
            return
    columns = st.columns(len(report_files.FORMATS))
    for column, kind in zip(columns, report_files.FORMATS, strict=True):
        column.download_button(
            t(f"owner_report_{kind}", lang), files[kind],
            file_name=report_files.file_name(page.filters, kind, lang),
            mime=report_files.MIME[kind], key=f"owner_report_{kind}",
            icon=":material/download:", on_click="ignore", width="stretch",
        )  # fmt: skip
