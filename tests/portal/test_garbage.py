"""The portal's garbage collection: what lived through a tick is frozen (a rush's full
collections leave it out); everything is collected when the kernels are quiet."""

import gc
import weakref

import pytest

from kurskit.portal.garbage import QuietCollector


class Cycle:
    """Garbage only the cyclic collector frees."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def garbage_cycle() -> weakref.ref:
    cycle = Cycle()
    gone = weakref.ref(cycle)
    del cycle
    return gone


def test_what_lived_through_a_tick_is_left_out_of_collections_while_the_kernels_are_busy(
        unfrozen):
    clock = Clock()
    collector = QuietCollector(idle_for=lambda: 0.0, clock=clock)
    survivor = Cycle()
    collector.tick()
    assert gc.get_freeze_count() > 0
    assert not any(obj is survivor for obj in gc.get_objects())  # frozen: not walked


def test_young_garbage_is_collected_before_it_is_frozen(unfrozen):
    collector = QuietCollector(idle_for=lambda: 0.0, clock=Clock())
    gone = garbage_cycle()
    collector.tick()
    assert gone() is None


def frozen_then_dropped(collector: QuietCollector) -> weakref.ref:
    """An object in use at a tick (frozen), garbage after it."""
    kept = Cycle()
    collector.tick()
    gone = weakref.ref(kept)
    del kept
    return gone


def test_garbage_among_frozen_objects_is_freed_at_a_quiet_moment(unfrozen):
    clock, idle = Clock(), {"for": 0.0}
    collector = QuietCollector(idle_for=lambda: idle["for"], clock=clock)
    gone = frozen_then_dropped(collector)
    gc.collect()  # a rush's full collection leaves frozen objects alone
    assert gone() is not None
    clock.now += QuietCollector.EVERY
    collector.tick()  # due, but busy
    assert gone() is not None
    idle["for"] = QuietCollector.QUIET
    collector.tick()
    assert gone() is None


def test_without_a_quiet_moment_everything_is_collected_at_the_latest_after_half_an_hour(
        unfrozen):
    clock = Clock()
    collector = QuietCollector(idle_for=lambda: 0.0, clock=clock)
    gone = frozen_then_dropped(collector)
    clock.now += QuietCollector.AT_THE_LATEST
    collector.tick()
    assert gone() is None


def test_the_portal_counts_quiet_from_the_last_kernel_message():
    from datetime import UTC, datetime, timedelta
    from types import SimpleNamespace

    from kurskit.portal.app import PortalApp

    app = PortalApp()
    app.kernel_manager = SimpleNamespace(
        last_kernel_activity=datetime.now(UTC) - timedelta(seconds=30))
    assert 30 <= app.kernels_idle_for() < 60
