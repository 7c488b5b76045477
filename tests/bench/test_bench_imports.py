"""The import benchmark (issue 11, ``bench.imports``) on a tiny world: its file imports without a problem, every
sale lands with one "imported" history row, and the pipeline totals stay those a rebuild computes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bench.generate import Sizes, generate
from bench.imports import import_scenario

from salesguide.models import PipelineTotal, Sale, StageChange
from salesguide.services.pipeline_totals import rebuild_pipeline_totals

pytestmark = pytest.mark.django_db


def totals() -> list[tuple[Any, ...]]:
    return sorted(
        PipelineTotal.objects.filter(count__gt=0).values_list(
            "sale_type_id", "stage_id", "owner_id", "currency", "count", "amount", "weighted_amount"
        )
    )


def test_the_import_scenario_imports_both_files_and_reports_seconds_and_memory(tmp_path: Path) -> None:
    # Given a tiny generated world
    generate(Sizes(sales=50, companies=20, owners=4, sale_types=3, seed=3), batch=50, log=lambda _: None)
    before = Sale.objects.count()
    # When the scenario imports a file of 30 and then 300 sales
    result = import_scenario(tmp_path, (30, 300), seed=3, log=lambda _: None)
    # Then every row became a sale with one "imported" row, and the report says how long and how much memory
    assert (result["small"]["created"], result["large"]["created"]) == (30, 300)
    assert Sale.objects.count() == before + 330
    assert StageChange.objects.filter(kind="imported").count() == 330
    assert result["large"]["seconds"] >= 0 and "peak_growth_mb" in result
    kept = totals()
    rebuild_pipeline_totals()
    assert kept == totals()
