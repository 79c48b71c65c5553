"""The stage table's probes: they wrap the pipeline by name, change nothing, and go away afterwards."""

from __future__ import annotations

import json

from bench.corpus import SEEDS
from bench.stages import STAGES, UNATTRIBUTED, Probes, calibrate, stage_table
from cleaner import Cleaner
from cleaner.document import run
from cleaner.text import normalise


def test_every_probe_names_a_function_of_the_pipeline() -> None:
    """A stage whose function was renamed or moved must be renamed in bench/stages.py STAGES too."""
    assert Probes().missing == []


def test_probes_time_each_stage_and_leave_the_output_and_the_functions_as_they_were() -> None:
    cleaner = Cleaner()
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    before = [json.dumps(cleaner.clean(text).to_dict()) for text in texts]
    original = run.normalise
    probes = Probes()
    with probes.installed() as timings:
        assert run.normalise is not original and normalise.normalise is not original
        during = [json.dumps(cleaner.clean(text).to_dict()) for text in texts]
    assert run.normalise is original and normalise.normalise is original
    assert during == before
    assert timings.calls["normalise"] == len(texts)
    assert timings.calls["rules: block scan"] == len(texts)
    assert timings.calls["tokenise"] > len(texts)  # once a block
    assert timings.outer == 2 * len(texts)  # Cleaner.clean around everything else, then to_dict
    assert all(timings.own[stage] > 0 for stage in ("normalise", "rules: block scan", "finder: features"))


def test_a_missing_name_is_reported_and_the_rest_still_runs() -> None:
    probes = Probes([("gone", "cleaner.document.run:DocumentRun.no_such_method"), ("gone", "cleaner.no_such:f"),
                     ("normalise", "cleaner.text.normalise:normalise")])  # fmt: skip
    assert probes.missing == ["cleaner.document.run:DocumentRun.no_such_method", "cleaner.no_such:f"]
    cleaner = Cleaner()
    text = SEEDS[0].read_text(encoding="utf-8")
    table = stage_table("seed", lambda: len([cleaner.clean(text)]), 1, probes, calibrate(1000))
    assert table.calls["normalise"] == 1 and table.calls["gone"] == 0
    assert table.own["normalise"] > 0 and table.own[UNATTRIBUTED] > 0
    assert table.plain_us > table.own["normalise"]


def test_stage_names_are_listed_in_pipeline_order_once() -> None:
    stages = list(dict.fromkeys(stage for stage, _ in STAGES))
    assert stages.index("normalise") < stages.index("rules: block scan") < stages.index("to_dict")
    assert len({probe for _, probe in STAGES}) == len(STAGES)
