"""Dating a sale's entry into its stage back, as if it had happened then: the services stamp the real time, and
the stored aging (``stale_from``, decision 0011) follows the moment, as it would have been kept."""

from __future__ import annotations

import datetime as dt

from salesguide.models import Sale
from salesguide.services import stored_aging


def entered_stage_at(sale_id: int, when: dt.datetime) -> None:
    Sale.objects.filter(pk=sale_id).update(stage_entered_at=when)
    stored_aging.rebuild_stored_aging([sale_id])
