"""Прогноз's chart: a figure's whole months (solid), the statistical forecast (dashed) in its 80 %
and 95 % bands, and the month in progress projected from the schedule (a diamond).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from clinic_bi.present.charts.base import (
    ACCENT,
    MAIN,
    _title,
    axis_for,
    layer,
    month_label,
    month_x,
)
from clinic_bi.present.words import label, show, t

FORECAST = "#264653"
BAND = "#457b9d"


def _text(figure: str, values: pd.Series, lang: str) -> list[str]:
    return [show(figure, None if pd.isna(v) else float(v), lang) for v in values]


def forecast_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    figure: str,
    lang: str,
    model: str | None = None,
    projection: tuple[object, float] | None = None,
) -> alt.LayerChart:
    """`history`: month, value (NaN in a missing month: the line breaks there); `forecast`:
    month, point, lo80, hi80, lo95, hi95 (may be empty); `projection`: (month, value) of the
    month from the schedule, or None."""
    months = list(history["month"]) + list(forecast["month"])
    if projection is not None:
        months.append(projection[0])
    actual, ahead, booked = (t(f"fc_legend_{k}", lang) for k in ("actual", "forecast", "schedule"))
    colour = alt.Color(
        "series:N", title=None,
        scale=alt.Scale(domain=[actual, ahead, booked], range=[MAIN, FORECAST, ACCENT]),
        legend=alt.Legend(orient="top", direction="horizontal", columns=2),  # 2: fits a phone
    )  # fmt: skip
    x = month_x(months, lang)
    tip_month = alt.Tooltip("month_text:N", title=label("month", lang))

    past = history.assign(
        month_text=[month_label(m, lang) for m in history["month"]],
        value_text=_text(figure, history["value"], lang), series=actual,
    )  # fmt: skip
    layers: list[alt.Chart] = []
    if len(forecast):
        ahead_rows = forecast.assign(
            month_text=[month_label(m, lang) for m in forecast["month"]], series=ahead,
            value_text=_text(figure, forecast["point"], lang),
            band80_text=[f"{a} — {b}" for a, b in zip(_text(figure, forecast["lo80"], lang),
                                                     _text(figure, forecast["hi80"], lang),
                                                     strict=True)],
            band95_text=[f"{a} — {b}" for a, b in zip(_text(figure, forecast["lo95"], lang),
                                                     _text(figure, forecast["hi95"], lang),
                                                     strict=True)],
        )  # fmt: skip
        for low, high, opacity in (("lo95", "hi95", 0.14), ("lo80", "hi80", 0.28)):
            layers.append(
                alt.Chart(ahead_rows).mark_area(color=BAND, opacity=opacity).encode(
                    x=x, y=alt.Y(f"{low}:Q"), y2=alt.Y2(f"{high}:Q"))
            )
        # the dashed line starts at the last actual month, so that it continues the solid one
        joined = ahead_rows[["month_text", "point", "series"]].rename(columns={"point": "value"})
        last = past.dropna(subset=["value"]).tail(1)
        if len(last):
            joined = pd.concat([last[["month_text", "value"]].assign(series=ahead), joined],
                               ignore_index=True)  # fmt: skip
        layers.append(
            alt.Chart(joined).mark_line(strokeDash=[6, 4], strokeWidth=2).encode(
                x=x, y=alt.Y("value:Q"), color=colour)
        )
        layers.append(
            alt.Chart(ahead_rows).mark_point(filled=True, size=40).encode(
                x=x, y=alt.Y("point:Q"), color=colour,
                tooltip=[tip_month,
                         alt.Tooltip("value_text:N", title=t("fc_legend_forecast", lang)),
                         alt.Tooltip("band80_text:N", title=t("fc_legend_band80", lang)),
                         alt.Tooltip("band95_text:N", title=t("fc_legend_band95", lang))])
        )  # fmt: skip
    layers.insert(0, alt.Chart(past).mark_line(
        strokeWidth=2, point=True, invalid="break-paths-show-domains").encode(
        x=x, y=alt.Y("value:Q", axis=axis_for(figure, lang, tickCount=5)), color=colour,
        tooltip=[tip_month, alt.Tooltip("value_text:N", title=label(figure, lang))],
    ))  # fmt: skip
    if projection is not None:
        spot = pd.DataFrame({
            "month_text": [month_label(projection[0], lang)], "value": [projection[1]],
            "value_text": _text(figure, pd.Series([projection[1]]), lang), "series": [booked],
        })  # fmt: skip
        layers.append(
            alt.Chart(spot).mark_point(shape="diamond", filled=True, size=160).encode(
                x=x, y=alt.Y("value:Q"), color=colour,
                tooltip=[tip_month,
                         alt.Tooltip("value_text:N", title=t("fc_legend_schedule", lang))])
        )  # fmt: skip
    title = _title(t("fc_chart_title", lang, figure=label(figure, lang)),
                   t("fc_chart_subtitle", lang, model=model or "") if len(forecast) else None)
    return layer(
        *layers, title=title, height=340, width="container",
    )
