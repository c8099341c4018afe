"""Runs at the start of any Python whose PYTHONPATH begins with tests/hooks (see __init__.py).

With $CLINIC_BI_HOOK_PAUSE_IN_TRANSACTION set to a number of seconds, `clinic_bi.ingest.loader` is
patched as soon as it is imported: `_record_batch`, which the load calls inside its transaction,
first prints the marker line to stderr and sleeps that long. Without the variable this does
nothing. The patch waits for the import (a finder on sys.meta_path) because clinic_bi is not yet
importable here: the working directory joins sys.path only after site-customisation.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import time

_PAUSE = os.environ.get("CLINIC_BI_HOOK_PAUSE_IN_TRANSACTION")
_MARKER = "clinic_bi: inside the load transaction"  # tests.hooks.MARKER


def _patch(loader_module) -> None:
    record = loader_module._record_batch

    def paused_record_batch(*args, **kwargs):
        print(_MARKER, file=sys.stderr, flush=True)
        time.sleep(float(_PAUSE))
        return record(*args, **kwargs)

    loader_module._record_batch = paused_record_batch


class _PatchLoaderOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "clinic_bi.ingest.loader":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


if _PAUSE:
    sys.meta_path.insert(0, _PatchLoaderOnImport())
