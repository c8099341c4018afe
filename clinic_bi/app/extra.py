"""UI-SIDE figures the metric API does not return yet, each a one-line derivation of API
output, to move into queries/metrics/ with the rest (reported in the UI issue)."""

from __future__ import annotations

import pandas as pd


def visits_per_patient(doctors: pd.DataFrame) -> pd.DataFrame:
    """UI-SIDE. METRICS.md's visits_per_patient (visits / patients, null when patients is 0)
    per doctor, from Engine.doctors(): the breakdown has visits and patients but not their
    ratio, which the Качество page's "repeat visits" needs per doctor."""
    out = doctors.copy()
    patients = out["patients"].where(out["patients"] > 0)
    out["visits_per_patient"] = out["visits"] / patients
    return out
