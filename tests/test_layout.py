"""The package's layers import downwards only (README, "How the code is laid out")."""

from __future__ import annotations

import ast
from pathlib import Path

from clinic_bi.paths import PACKAGE_DIR

# What each layer may import of clinic_bi (itself always). Base modules serve every layer.
BASE = {"fmt", "paths", "periods", "tables", "__init__"}
ALLOWED = {
    "store": set(),
    "metrics": {"store"},
    "ingest": {"store"},
    "present": {"metrics", "ingest", "store"},
    "app": {"present", "metrics", "ingest", "store", "demo"},
    "delivery": {"present", "metrics", "store"},
}


def _imports(path: Path) -> set[str]:
    """The first part below clinic_bi of every clinic_bi module this file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("clinic_bi"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:  # from clinic_bi import x, y
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "clinic_bi" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for layer, allowed in ALLOWED.items():
        for path in sorted((PACKAGE_DIR / layer).rglob("*.py")):
            for imported in _imports(path) - allowed - BASE - {layer, "__version__"}:
                wrong.append(f"{path.relative_to(PACKAGE_DIR)} imports clinic_bi.{imported}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from clinic_bi.app import state\nfrom clinic_bi import fmt, store\n",
                      encoding="utf-8")
    assert _imports(module) == {"app", "fmt", "store"}
