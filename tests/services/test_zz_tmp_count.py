from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
import pytest
from test_selling_state_machine import machine_for, world  # noqa

pytestmark = pytest.mark.django_db

def test_explore(world):
    run_state_machine_as_test(machine_for(world), settings=settings(max_examples=300, stateful_step_count=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)))
