"""The metrics layer: the engine over one store and the API's types (docs/METRICS.md).

- `clinic_bi/metrics/api.py`: Filters, the result dataclasses, HEADLINE_FIGURES.
- `clinic_bi/metrics/engine.py`: the Engine (models built per data version, served while another
  process loads) and one method per metric family.

Callers import from here: `from clinic_bi.metrics import Engine, Filters`.
"""

from clinic_bi.metrics.api import (
    BREAKDOWN_DIMENSIONS,
    HEADLINE_FIGURES,
    Comparison,
    Filters,
    Funnel,
    FunnelSteps,
    MetricsError,
    Quality,
    QualityFigures,
    ShowUp,
    ShowUpCounts,
    StoreFacts,
    StoreNames,
    Summary,
)
from clinic_bi.metrics.engine import MODELS, Engine, open_engine, plain_value

__all__ = [
    "BREAKDOWN_DIMENSIONS", "HEADLINE_FIGURES", "MODELS", "Comparison", "Engine", "Filters",
    "Funnel", "FunnelSteps", "MetricsError", "Quality", "QualityFigures", "ShowUp", "ShowUpCounts",
    "StoreFacts", "StoreNames", "Summary", "open_engine", "plain_value",
]
