"""Test-only hooks for a real separate process (a CLI load, the app's load child): nothing in
clinic_bi knows of them.

`pause_in_transaction(seconds)` gives the environment variables that make a Python started with
them stop inside every load transaction: this folder first on PYTHONPATH, so that its
`sitecustomize.py` runs at interpreter start, and PAUSE_VAR, which switches it on. The process
then prints MARKER to stderr and sleeps `seconds` inside the transaction, once the rows are in
and before the journal row (`loader._record_batch`): a window in which to kill it, or to check
that other processes keep working while it holds the store.
"""

from __future__ import annotations

import os
from pathlib import Path

HOOKS_DIR = Path(__file__).resolve().parent
PAUSE_VAR = "CLINIC_BI_HOOK_PAUSE_IN_TRANSACTION"
MARKER = "clinic_bi: inside the load transaction"


def pause_in_transaction(seconds: float) -> dict[str, str]:
    """The variables to add to a child's environment (PYTHONPATH keeps what it held)."""
    path = [str(HOOKS_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"PYTHONPATH": os.pathsep.join(path), PAUSE_VAR: str(seconds)}
