"""The world the scenarios play in: an administrator who configured three sale types, the acting salesperson
(in New York, while the installation is in Amsterdam) and a colleague to hand activities to."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation
from scenario_world import USER_ZONE, World, build_world


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    settings.SALESGUIDE_API_RATE = None


@pytest.fixture
def world(admin_user: Any, manager_user: Any, make_user: Callable[..., Any]) -> World:
    seller = make_user("seller", "salesperson", first_name="Sally", last_name="Seller", time_zone=USER_ZONE.key)
    return build_world(admin_user, seller, manager_user)
