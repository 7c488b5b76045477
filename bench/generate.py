"""The benchmark's data: a deterministic (seeded) world of sales with the history they would have had.

By default 1,000,000 sales over 10,000 companies, 50 owners and 20 sale types of 6–10 stages each, with about
four stage-change rows and two follow-ups per sale. The rows are those the services write (``bench.history``
plays each sale through ``domain.selling``; ``tests/bench/test_bench_generator.py`` replays a sample through
the real services and compares), inserted in bulk for speed; then the pipeline totals are rebuilt from them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from bench import bulk
from bench.catalog import World, build_catalog, build_people, world_from_database
from bench.contacts import build_contacts
from bench.history import ACTIVITY_COLUMNS, CHANGE_COLUMNS, SALE_COLUMNS, Ids, SaleMaker
from salesguide.models import Activity, Company, Sale, StageChange, User
from salesguide.services.word_search import sales_inserted_in_bulk


@dataclass(frozen=True)
class Sizes:
    sales: int = 1_000_000
    companies: int = 10_000
    owners: int = 50
    sale_types: int = 20
    seed: int = 1


@dataclass(frozen=True)
class Generated:
    sales: int
    stage_changes: int
    activities: int
    seconds: float
    world: World


def _rebuild_pipeline_totals(log: Callable[[str], None]) -> None:
    try:
        from salesguide.services.pipeline_totals import rebuild_pipeline_totals
    except ImportError:
        log("bench: salesguide.services.pipeline_totals.rebuild_pipeline_totals does not exist; totals not rebuilt")
        return
    groups = rebuild_pipeline_totals()
    log(f"bench: pipeline totals rebuilt ({groups} groups)")


@dataclass
class Generator:
    """A world being filled: its catalogue and people are written; sales are added in ranges of indexes."""

    sizes: Sizes
    world: World
    maker: SaleMaker
    ids: Ids
    log: Callable[[str], None]
    batch: int = 20_000
    made: int = 0
    changes: int = 0
    activities: int = 0

    def add_sales(self, start: int, stop: int) -> None:
        """Sales ``start`` to ``stop`` (indexes; each sale's rows depend only on the seed and its index)."""
        began = time.perf_counter()
        # The scenarios run between two loads write rows of their own (a stage move's history row).
        self.ids.sale = max(self.ids.sale, bulk.next_id(Sale))
        self.ids.change = max(self.ids.change, bulk.next_id(StageChange))
        self.ids.activity = max(self.ids.activity, bulk.next_id(Activity))
        for first in range(start, stop, self.batch):
            sales: list[tuple[object, ...]] = []
            changes: list[tuple[object, ...]] = []
            activities: list[tuple[object, ...]] = []
            for index in range(first, min(stop, first + self.batch)):
                rows = self.maker.make(index, self.ids)
                sales.append(rows.sale)
                changes += rows.changes
                activities += rows.activities
            # The word search's index takes the batch in one statement (decision 0009), not row by row.
            with transaction.atomic(), sales_inserted_in_bulk():
                bulk.insert(Sale, SALE_COLUMNS, sales)
                bulk.insert(StageChange, CHANGE_COLUMNS, changes)
                bulk.insert(Activity, ACTIVITY_COLUMNS, activities)
            self.made += len(sales)
            self.changes += len(changes)
            self.activities += len(activities)
            done = min(stop, first + self.batch)
            self.log(f"bench: {done:,} of {self.sizes.sales:,} sales ({time.perf_counter() - began:.0f} s)")
        self.finish()

    def finish(self) -> None:
        """What a bulk load needs afterwards: sequences, the pipeline totals, statistics."""
        if connection.vendor == "postgresql":
            bulk.reset_sequences(Sale, StageChange, Activity, Company, User)
        _rebuild_pipeline_totals(self.log)
        if connection.vendor == "postgresql":
            # What autovacuum would do soon after a load this size; the planner needs the statistics.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def prepare(sizes: Sizes, *, now: dt.datetime | None = None, log: Callable[[str], None] = print) -> Generator:
    """Write the catalogue and the people of ``sizes`` into the (empty, migrated) database; "now" is the moment
    the sales' histories end."""
    if sizes.owners < 2 or sizes.companies < 1 or sizes.sale_types < 1:
        raise ValueError("bench: at least 2 owners, 1 company and 1 sale type")
    now = now or timezone.now().replace(microsecond=0)
    rng = random.Random(sizes.seed)
    with transaction.atomic():
        build_catalog(rng, sizes.sale_types)
        owners, company_ids = build_people(rng, sizes.owners, sizes.companies)
        build_contacts(sizes.seed, company_ids)
    world = world_from_database(owners, company_ids)
    for model, columns in ((Sale, SALE_COLUMNS), (StageChange, CHANGE_COLUMNS), (Activity, ACTIVITY_COLUMNS)):
        bulk.check_columns(model, columns)
    ids = Ids(sale=bulk.next_id(Sale), change=bulk.next_id(StageChange), activity=bulk.next_id(Activity))
    return Generator(sizes, world, SaleMaker(world, now, sizes.seed), ids, log)


def generate(
    sizes: Sizes,
    *,
    now: dt.datetime | None = None,
    batch: int = 20_000,
    log: Callable[[str], None] = print,
) -> Generated:
    """The whole world of ``sizes`` at once."""
    started = time.perf_counter()
    generator = prepare(sizes, now=now, log=log)
    generator.batch = batch
    generator.add_sales(0, sizes.sales)
    return Generated(
        sales=generator.made,
        stage_changes=generator.changes,
        activities=generator.activities,
        seconds=time.perf_counter() - started,
        world=generator.world,
    )
