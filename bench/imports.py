"""The import benchmark (issue 11): a CSV file of generated sales imported through ``services.imports.import_file``
as an administrator, timed, with the process's peak memory before and after.

The file refers to the generated world's sale types, stages, companies and owners by name, as a file from another
system would, with an external reference per sale and a mix of open, sold and lost sales in Dutch Excel style
(``;``, decimal comma, day-month-year dates). It is imported at two sizes, the smaller first: the peak resident
memory (``ru_maxrss``, which only grows) must not grow with the second, larger file when memory is independent of
the file's length. The imported sales stay in the database (they are new sales of the world).
"""

from __future__ import annotations

import csv
import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from salesguide.models import Company, Role, SaleType, User
from salesguide.queries.guides import live_links
from salesguide.services.imports import import_file

HEADER = [
    "External reference",
    "Titel",
    "Verkooptype",
    "Fase",
    "Status",
    "Bedrijf",
    "Eigenaar",
    "Bedrag",
    "Verwachte datum",
]


def write_sales_file(path: Path, count: int, *, seed: int, prefix: str) -> None:
    """``count`` sales referring to the world's types, stages, companies and owners by name."""
    rng = random.Random(seed)
    stages: dict[int, list[str]] = {}
    for sale_type_id, name in live_links().values_list("sale_type_id", "stage__name"):
        stages.setdefault(sale_type_id, []).append(name)
    types = [
        (name, stages[pk])
        for pk, name in SaleType.objects.filter(deleted=False).values_list("id", "name")
        if pk in stages
    ]
    companies = list(Company.objects.order_by("id").values_list("name", flat=True)[:5000])
    owners = list(User.objects.filter(is_active=True).values_list("username", flat=True))
    with path.open("w", encoding="cp1252", errors="replace", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(HEADER)
        for index in range(count):
            type_name, type_stages = rng.choice(types)
            status = rng.choices(("open", "verkocht", "verloren"), (6, 2, 2))[0]
            euros, cents = rng.randrange(100, 500_000), rng.randrange(100)
            writer.writerow(
                [
                    f"{prefix}-{index}",
                    f"Import {index}",
                    type_name,
                    rng.choice(type_stages),
                    status,
                    rng.choice(companies),
                    rng.choice(owners),
                    f"{euros:,}".replace(",", ".") + f",{cents:02d}",
                    f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 13):02d}-2027",
                ]
            )


def _peak_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_import(folder: Path, count: int, *, seed: int, log: Callable[[str], None]) -> dict[str, Any]:
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        admin = User.objects.create_user("bench-importer", role=Role.ADMIN)
    path = folder / f"import-{count}.csv"
    started = time.perf_counter()
    write_sales_file(path, count, seed=seed, prefix=f"B{seed}-{count}")
    written = time.perf_counter() - started
    peak_before = _peak_mb()
    started = time.perf_counter()
    with path.open("rb") as file:
        result = import_file(admin, "sales", file, path.name)
    seconds = time.perf_counter() - started
    peak_after = _peak_mb()
    file_mb = path.stat().st_size / 1024 / 1024
    path.unlink()
    if result.problems:
        raise SystemExit(f"bench: the import file had problems: {result.problems[:5]}")
    log(
        f"bench:   import of {count:,} sales: {seconds:.1f} s ({count / seconds:,.0f} rows/s), "
        f"peak memory {peak_before:.0f} → {peak_after:.0f} MB"
    )
    return {
        "rows": result.rows,
        "created": result.created,
        "seconds": round(seconds, 1),
        "rows_per_second": round(count / seconds),
        "file_seconds": round(written, 1),
        "file_mb": round(file_mb, 1),
        "peak_mb_before": round(peak_before),
        "peak_mb_after": round(peak_after),
    }


def import_scenario(folder: Path, sizes: tuple[int, int], *, seed: int, log: Callable[[str], None]) -> dict[str, Any]:
    """Import at the smaller size, then the larger: seconds for each, and how much the peak memory grew with the
    larger file (near zero when memory does not grow with the file)."""
    small = measure_import(folder, sizes[0], seed=seed, log=log)
    large = measure_import(folder, sizes[1], seed=seed + 1, log=log)
    return {
        "what": "a Dutch Excel CSV of new sales (open, sold, lost; by name) through services.imports.import_file",
        "target": "1,000,000 sales ≤ 90 s on SQLite, ≤ 150 s on PostgreSQL; memory not growing with the file",
        "small": small,
        "large": large,
        "peak_growth_mb": large["peak_mb_after"] - small["peak_mb_after"],
        "seconds_per_million": round(large["seconds"] * 1_000_000 / sizes[1], 1),
    }
