"""Врачи's scatter: visits (load) against average check, one point per doctor, the quadrants named,
and each doctor's surname placed beside its point where it has room. The placement (label_spots)
works in pixels of the plot area, SCATTER_PLOT_PX, so it is kept here with the one chart it serves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from clinic_bi.present.charts.base import (
    ACCENT,
    MAIN,
    _title,
    _tooltip,
    axis_for,
    inline,
    layer,
    with_text,
)
from clinic_bi.present.words import t

# -- where the names go, in pixels of the plot area ------------------------------------------------

# The load-vs-check scatter's plot area in pixels, as drawn in a half-width column of a 1400-px
# window (a little less, to be safe): names are placed for it, and a wider window only moves the
# points further apart. Text of 11 px: about 6.3 px a character, 13 px a line.
SCATTER_PLOT_PX = (340.0, 320.0)
_CHAR_PX, _LINE_PX = 6.3, 13.0
# Where a name may go around its point, in the order tried: (anchor offset from the centre in
# radii and pixels, x then y; the text's align and baseline at the anchor).
_SPOTS: dict[str, tuple[float, float, float, float, str, str]] = {
    "top": (0, 0, -1, -2, "center", "bottom"),
    "right": (1, 3, 0, 0, "left", "middle"),
    "left": (-1, -3, 0, 0, "right", "middle"),
    "bottom": (0, 0, 1, 2, "center", "top"),
    "top_right": (0.7, 1, -0.7, -1, "left", "bottom"),
    "top_left": (-0.7, -1, -0.7, -1, "right", "bottom"),
    "bottom_right": (0.7, 1, 0.7, 1, "left", "top"),
    "bottom_left": (-0.7, -1, 0.7, 1, "right", "top"),
}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y growing downwards


def _overlaps(a: Box, b: Box, gap: float = 1.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _anchor(spot: str, x: float, y: float, r: float) -> tuple[float, float]:
    kx, px, ky, py, _, _ = _SPOTS[spot]
    return x + kx * r + px, y + ky * r + py


def _spot_box(spot: str, x: float, y: float, r: float, width: float) -> Box:
    ax, ay = _anchor(spot, x, y, r)
    align, baseline = _SPOTS[spot][4:]
    x0 = {"left": ax, "right": ax - width}.get(align, ax - width / 2)
    y0 = {"top": ay, "bottom": ay - _LINE_PX}.get(baseline, ay - _LINE_PX / 2)
    return (x0, y0, x0 + width, y0 + _LINE_PX)


def label_spots(
    points: Sequence[tuple[float, float, float]],
    texts: Sequence[str],
    obstacles: Sequence[Box] = (),
    area: tuple[float, float] = SCATTER_PLOT_PX,
) -> list[str | None]:
    """Where each point's name goes — "top", "right", "left", "bottom" of it — or None when
    every spot would touch another name, a point or an obstacle, leave the plot, or sit nearer
    another point than its own (a name must say whose it is). Points are (x, y, radius) in
    pixels, taken in the order given (most important first): a crowded corner names its largest
    points and leaves the rest to the tooltip."""
    circles = [(x - r, y - r, x + r, y + r) for x, y, r in points]
    taken: list[Box] = list(obstacles)
    out: list[str | None] = []
    for i, ((x, y, r), text) in enumerate(zip(points, texts, strict=True)):
        width = _CHAR_PX * len(text) + 2
        chosen = None
        for spot in _SPOTS:
            box = _spot_box(spot, x, y, r, width)
            if not (box[0] >= 0 and box[1] >= 0 and box[2] <= area[0] and box[3] <= area[1]):
                continue
            if any(_overlaps(box, other) for other in taken):
                continue
            if any(_overlaps(box, c, 0) for j, c in enumerate(circles) if j != i):
                continue
            # nearer its own point than any other (a tie goes to the point named first)
            own = _gap(box, x, y, r)
            if any(
                _gap(box, *p) < own or (j < i and _gap(box, *p) <= own)
                for j, p in enumerate(points) if j != i
            ):  # fmt: skip
                continue
            chosen = spot
            taken.append(box)
            break
        out.append(chosen)
    return out


def _gap(box: Box, x: float, y: float, r: float) -> float:
    """How far a box is from the edge of the circle at (x, y) of radius r, in pixels."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return max((dx * dx + dy * dy) ** 0.5 - r, 0.0)


def _surnames(names: Sequence[str]) -> list[str]:
    """"Иванова А. С." → "Иванова"; the full name where two doctors share a surname."""
    first = [str(n).split(" ")[0] for n in names]
    return [f if first.count(f) == 1 else str(n) for f, n in zip(first, names, strict=True)]


# -- the chart -------------------------------------------------------------------------------------

# The figures of each point, in its tooltip (formatted by with_text).
_SHOWN = ("visits", "avg_check", "revenue", "return_rate")


def load_vs_check(doctors: pd.DataFrame, clinic_check: float | None, lang: str) -> alt.Chart:
    """Visits (load) against average check, one point per doctor, with the clinic's average
    check and the doctors' mean load as the quadrant lines and the quadrants named. Doctors are
    named by surname where the name has room (the largest revenue first, label_spots); every
    point names its doctor in the tooltip."""
    data = doctors[doctors["avg_check"].notna() & doctors["doctor"].notna()]
    data = data.sort_values("revenue", ascending=False, na_position="last")
    # the doctor's own return rate where the page names it so (pages/1_doctors.py)
    own = "return_rate_doctor" if "return_rate_doctor" in data.columns else "return_rate"
    shown = (*_SHOWN[:-1], own)
    data = with_text(data, shown, lang)
    mean_visits = float(data["visits"].mean()) if len(data) else 0.0
    check = clinic_check if clinic_check is not None else float(data["avg_check"].mean())
    plot = _Plot.around(data, check)
    corners = _quadrants(plot, lang)
    top_revenue = float(data["revenue"].max()) if len(data) else 0.0
    data = _with_names(data, plot, corners, top_revenue)
    tips = _tooltip(shown, lang, "doctor")
    unnamed = int(data["spot"].isna().sum())
    subtitle = t("scatter_unnamed", lang, n=unnamed) if unnamed else None
    layers = [
        *_quadrant_lines(mean_visits, check),
        _points_layer(data, plot, top_revenue, tips, lang),
        *_name_layers(data, tips),
        *_quadrant_layers(corners),
    ]
    return layer(
        *layers, title=_title(t("scatter_title", lang), subtitle), height=480, width="container",
    )


@dataclass(frozen=True)
class _Plot:
    """The scatter's fixed domains (visits 0 … x_max, average check y_min … y_top) and the
    conversion between data units and pixels of the plot area: the scales' domains are fixed, so
    data and pixels convert exactly; the pixel size is SCATTER_PLOT_PX's estimate."""

    x_max: float
    y_min: float
    y_top: float

    @classmethod
    def around(cls, data: pd.DataFrame, check: float) -> _Plot:
        # room above and below the points for the quadrant names, so they never sit on a point
        x_max = float(data["visits"].max()) * 1.1 if len(data) else 1.0
        y_top = max(float(data["avg_check"].max()) if len(data) else 1.0, check) * 1.3
        return cls(x_max=x_max, y_min=-0.08 * y_top, y_top=y_top)

    def to_px(self, vx: float, vy: float) -> tuple[float, float]:
        width_px, height_px = SCATTER_PLOT_PX
        return (vx / self.x_max * width_px,
                (self.y_top - vy) / (self.y_top - self.y_min) * height_px)  # fmt: skip

    def to_data(self, px: float, py: float) -> tuple[float, float]:
        width_px, height_px = SCATTER_PLOT_PX
        return (px / width_px * self.x_max,
                self.y_top - py / height_px * (self.y_top - self.y_min))  # fmt: skip


# The quadrant names: 12-px italic, ~6.8 px a character and 15 px a line; each on two lines
# ("плотная запись" over "низкий чек"), so two corners' names fit side by side on a phone.
_QUADRANT_CHAR_PX, _QUADRANT_LINE_PX = 6.8, 15.0


def _two_lines(text: str) -> str:
    return text.replace(", ", "\n", 1)


def _quadrants(plot: _Plot, lang: str) -> pd.DataFrame:
    """The four quadrant names, each in its corner of the plot, in data units: the lower two
    stand on the plot's bottom edge, the upper two hang from its top."""
    x_max, y_min, y_top = plot.x_max, plot.y_min, plot.y_top
    return pd.DataFrame(
        {
            "x": [x_max * 0.98, 0.02 * x_max, x_max * 0.98, 0.02 * x_max],
            "y": [y_min * 0.98, y_top * 0.99, y_top * 0.99, y_min * 0.98],
            "text": [_two_lines(t(k, lang))
                     for k in ("q_busy_low", "q_free_high", "q_busy_high", "q_free_low")],
            "align": ["right", "left", "right", "left"],
            "base": ["bottom", "top", "top", "bottom"],
            "color": [ACCENT, ACCENT, "#777", "#777"],
        }
    )  # fmt: skip


def _with_names(
    data: pd.DataFrame, plot: _Plot, corners: pd.DataFrame, top_revenue: float
) -> pd.DataFrame:
    """`data` with each doctor's short name (`short`), where it goes (`spot`, None: unnamed)
    and its anchor in data units (`label_x`, `label_y`). Names are placed in pixels of the plot
    area, around the points and clear of the quadrant names."""
    points = _points_px(data, plot, top_revenue)
    out = data.copy()
    out["short"] = _surnames(list(out["doctor"]))
    out["spot"] = label_spots(points, list(out["short"]), _quadrant_boxes(corners, plot))
    # each name's anchor, back in data units: beside its point by the radius and a gap
    anchors = []
    for (px, py, r), spot in zip(points, out["spot"], strict=True):
        ax, ay = _anchor(spot, px, py, r) if isinstance(spot, str) else (px, py)
        anchors.append(plot.to_data(ax, ay))
    out["label_x"] = [a[0] for a in anchors]
    out["label_y"] = [a[1] for a in anchors]
    return out


def _points_px(
    data: pd.DataFrame, plot: _Plot, top_revenue: float
) -> list[tuple[float, float, float]]:
    """Each doctor's point in pixels: (x, y, radius), the radius from the size scale of
    _points_layer (an area of 60 … 600 px by revenue)."""
    points = []
    for vx, vy, revenue in zip(data["visits"], data["avg_check"], data["revenue"], strict=True):
        area = 60 + 540 * (float(revenue) / top_revenue if top_revenue > 0 else 0)  # the size scale
        points.append((*plot.to_px(float(vx), float(vy)), (area / 3.1416) ** 0.5))
    return points


def _quadrant_boxes(corners: pd.DataFrame, plot: _Plot) -> list[Box]:
    """The boxes of the quadrant names in pixels (their longest line wide, their lines high)."""
    obstacles = []
    for _, c in corners.iterrows():
        cx, cy = plot.to_px(c["x"], c["y"])
        lines = str(c["text"]).split("\n")
        w = _QUADRANT_CHAR_PX * max(len(line) for line in lines)
        h = _QUADRANT_LINE_PX * len(lines)
        x0 = cx - w if c["align"] == "right" else cx
        y0 = cy if c["base"] == "top" else cy - h
        obstacles.append((x0, y0, x0 + w, y0 + h))
    return obstacles


def _points_layer(
    data: pd.DataFrame, plot: _Plot, top_revenue: float, tips: list[alt.Tooltip], lang: str
) -> alt.Chart:
    x = alt.X("visits:Q", scale=alt.Scale(domain=[0, plot.x_max], nice=False),
              axis=axis_for("visits", lang, title=t("load_axis", lang)))  # fmt: skip
    y = alt.Y("avg_check:Q", scale=alt.Scale(domain=[plot.y_min, plot.y_top], nice=False),
              axis=axis_for("avg_check", lang))  # fmt: skip
    return alt.Chart(data).mark_circle(opacity=0.85, color=MAIN).encode(
        x=x, y=y,
        size=alt.Size("revenue:Q", legend=None,
                      scale=alt.Scale(range=[60, 600], domain=[0, max(top_revenue, 1.0)])),
        tooltip=tips,
    )  # fmt: skip


def _name_layers(data: pd.DataFrame, tips: list[alt.Tooltip]) -> list[alt.Chart]:
    """One text layer per spot in use (a layer has one align and baseline), each a filter of
    the points' own data: one dataset sent for all of them, not one per spot."""
    return [
        alt.Chart(data).transform_filter(f"datum.spot === {spot!r}").mark_text(
            fontSize=11, color="#333", align=align, baseline=baseline,
        ).encode(x=alt.X("label_x:Q"), y=alt.Y("label_y:Q"), text=alt.Text("short:N"),
                 tooltip=tips)
        for spot, (*_, align, baseline) in _SPOTS.items()
        if (data["spot"] == spot).any()
    ]  # fmt: skip


def _quadrant_lines(mean_visits: float, check: float) -> list[alt.Chart]:
    """The doctors' mean load (vertical) and the clinic's average check (horizontal)."""
    lines = inline({"x": mean_visits, "y": check})
    vrule = alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#888").encode(x=alt.X("x:Q"))
    hrule = alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#888").encode(y=alt.Y("y:Q"))
    return [vrule, hrule]


def _quadrant_layers(corners: pd.DataFrame) -> list[alt.Chart]:
    """The quadrant names, one layer each (each has its own align and colour)."""
    quadrant_layers = []
    for _, row in corners.iterrows():
        quadrant_layers.append(
            alt.Chart(inline({k: row[k] for k in ("x", "y", "text")})).mark_text(
                align=row["align"], baseline=row["base"], fontStyle="italic", fontSize=12,
                color=row["color"], fontWeight="bold" if row["color"] == ACCENT else "normal",
                lineBreak="\n", lineHeight=_QUADRANT_LINE_PX,
            ).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))  # fmt: skip
        )
    return quadrant_layers
