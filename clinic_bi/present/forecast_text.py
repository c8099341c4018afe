"""The forecast's accuracy in words (METRICS.md "Forecast"): the model, why it has no
seasonality, and the backtest against the naive forecast. One place, for the page (Прогноз) and
the text report, from the figures a forecast's report section holds."""

from __future__ import annotations

from typing import Any

from clinic_bi import fmt
from clinic_bi.metrics.forecast import MIN_MONTHS, SEASONAL_MONTHS
from clinic_bi.present import words


def accuracy_lines(
    model: str | None, training_months: int, reason: str | None, seasonal: bool,
    backtest: dict[str, Any] | None, lang: str,
) -> list[str]:  # fmt: skip
    """The sentences under a forecast: its model, the reason it has no seasonal part (a code of
    clinic_bi/metrics/forecast.py, `fc_reason_<code>`), and its accuracy over the backtest
    (`backtest`: origins — their number —, mape, mase, ratio = naive error / model error, naive
    'naive' or 'seasonal_naive'; None: not enough history to check)."""
    t = words.t
    lines = [t("fc_model", lang, model=model, n=training_months)]
    if reason:
        lines.append(t(f"fc_reason_{reason}", lang, n=training_months))
    if backtest is None:
        lines.append(t("fc_no_backtest", lang, min=SEASONAL_MONTHS if seasonal else MIN_MONTHS))
        return lines
    naive = t(f"fc_naive_{backtest['naive']}", lang)
    n, mape, mase, ratio = (backtest[k] for k in ("origins", "mape", "mase", "ratio"))
    if mape is None:
        lines.append(t("fc_accuracy_no_mape", lang, n=n, mase=fmt.number(mase, lang, 2)))
    elif ratio is not None and ratio >= 1:
        lines.append(t("fc_accuracy", lang, n=n, mape=fmt.percent(mape, lang, 0),
                       ratio=fmt.number(ratio, lang, 1), naive=naive))  # fmt: skip
    else:
        worse = None if not ratio else 1 / ratio
        lines.append(t("fc_accuracy_worse", lang, n=n, mape=fmt.percent(mape, lang, 0),
                       ratio=fmt.number(worse, lang, 1), naive=naive))  # fmt: skip
    if mase is not None:
        lines.append(t("fc_mase", lang, mase=fmt.number(mase, lang, 2), naive=naive))
    return lines


def no_forecast_line(reason: str, training_months: int, gaps: list[Any], lang: str) -> str:
    """Why a figure has no forecast (`fc_reason_<code>`), naming the missing months."""
    shown = ", ".join(fmt.month(g, lang) for g in gaps)
    return words.t(f"fc_reason_{reason}", lang, n=training_months, gaps=shown)
