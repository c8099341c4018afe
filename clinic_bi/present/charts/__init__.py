"""Every chart of the app: a function that takes the API's DataFrame and the language and returns
an Altair chart. They compute nothing but layout (sorting, a top-N cut, a running sum for a
Pareto line); the figures come from clinic_bi.metrics.

Conventions: every chart has a title and axis titles in the chosen language (clinic_bi/present/words.py
and clinic_bi/present/figures.py: nothing of the app, clinic_bi/app); money axes read `32,9 млн ₽`, ratio
axes read `47 %` (Vega label expressions mirroring fmt.py), tooltips show the values formatted by
figures.show itself; a legend never has more than TOP_N entries + "прочие".

The modules: `base` (sizes, colours, axes and label expressions, titles, tooltips, the data
helpers, and `bars`, the ranked bars every page uses), `scatter` (Врачи's load against average
check, with the placement of the doctors' names), `revenue` (Обзор, a doctor's trend,
Направления, Услуги), `retention` (Возвращаемость), `operations` (Воронка, Маркетинг, Данные).
Callers use this package's names, `charts.bars`, never a module's.
"""

from clinic_bi.present.charts.base import (
    ABC_COLORS,
    ACCENT,
    BAR_STEP,
    MAIN,
    OVERHEAD,
    PALETTE,
    TOP_N,
    axis_for,
    bars,
    count_expr,
    deviation_bars,
    inline,
    lean,
    money_expr,
    month_axis,
    month_bar_width,
    month_domain,
    month_expr,
    month_label,
    month_x,
    named,
    percent_expr,
    spec,
    top_n,
    with_months,
    with_text,
)
from clinic_bi.present.charts.forecast import forecast_chart as forecast_chart
from clinic_bi.present.charts.margins import doctor_margin_bars, margin_scatter, quadrant
from clinic_bi.present.charts.operations import (
    MIN_REVIEWS,
    coverage,
    funnel_steps,
    no_shows,
    ranked_by_reviews,
    rates_heatmap,
    review_bars,
    spend_vs_new,
    wait_bars,
)
from clinic_bi.present.charts.retention import (
    COHORT_COLORS,
    first_vs_returning,
    ltv_curves,
    retention_heatmap,
)
from clinic_bi.present.charts.revenue import (
    monthly_line,
    pareto,
    revenue_trend,
    round_log_ticks,
    traffic_vs_money,
    volume_vs_hour,
)
from clinic_bi.present.charts.scatter import _SPOTS as _SPOTS
from clinic_bi.present.charts.scatter import SCATTER_PLOT_PX, Box, label_spots, load_vs_check
from clinic_bi.present.charts.scatter import _overlaps as _overlaps
from clinic_bi.present.charts.scatter import _spot_box as _spot_box
from clinic_bi.present.charts.scatter import _surnames as _surnames

# Also here, outside __all__ (`_x as _x`): the label placement's private parts, which
# tests/present/test_charts.py checks directly.
__all__ = [
    "ABC_COLORS", "ACCENT", "BAR_STEP", "COHORT_COLORS", "MAIN", "MIN_REVIEWS", "OVERHEAD",
    "PALETTE", "SCATTER_PLOT_PX", "TOP_N",
    "Box", "axis_for", "bars", "doctor_margin_bars", "margin_scatter", "quadrant", "count_expr", "coverage", "deviation_bars", "first_vs_returning",
    "funnel_steps", "inline", "label_spots", "lean", "load_vs_check", "ltv_curves", "money_expr",
    "month_axis",
    "month_bar_width", "month_domain", "month_expr", "month_label", "month_x", "monthly_line",
    "named", "no_shows",
    "pareto", "percent_expr", "ranked_by_reviews", "rates_heatmap", "retention_heatmap",
    "review_bars", "revenue_trend", "round_log_ticks", "spec", "spend_vs_new", "top_n",
    "traffic_vs_money", "volume_vs_hour", "wait_bars", "with_months", "with_text",
]  # fmt: skip
