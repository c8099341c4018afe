"""The CLI's JSON and text reports for two stores under nine filter sets equal the committed
snapshots byte for byte (issue 11: a refactor keeps behaviour). A deliberate change refreshes
them with `python tests/report_snapshots.py --write` in the same commit, and says so."""

from __future__ import annotations

from pathlib import Path

from report_snapshots import FILTER_SETS, SNAPSHOTS, differences, make_reports


def test_reports_are_byte_identical_to_the_snapshots(tmp_path: Path) -> None:
    made = make_reports(tmp_path)
    assert len(made) == 2 * len(FILTER_SETS) * 2  # two stores, json and text
    found = differences(tmp_path)
    assert not found, "\n\n".join(found) + "\n\n(a deliberate change: tests/report_snapshots.py --write)"


def test_a_changed_byte_is_found(tmp_path: Path) -> None:
    # the comparison itself: copy the snapshots, change one figure, expect it named
    for path in SNAPSHOTS.rglob("*"):
        if path.is_file():
            target = tmp_path / path.relative_to(SNAPSHOTS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    report = tmp_path / "sample_data" / "2025.json"
    report.write_text(report.read_text(encoding="utf-8").replace('"visits": ', '"visits": 1', 1),
                      encoding="utf-8")
    (tmp_path / "sample_data" / "extra.txt").write_text("x", encoding="utf-8")
    found = differences(tmp_path)
    assert len(found) == 2
    assert found[0] == "sample_data/extra.txt: new (not in tests/snapshots)"
    assert found[1].startswith("--- sample_data/2025.json")
