"""The in-process hub's own costs, without sockets: clients joining and leaving a stream, and
one bar handed to every subscription of a stream (what each published bar pays before the
writers send it)."""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable

from bench.context import BenchContext
from bench.measure import interleave, timed
from bench.table import Row

CLIENTS = 10_000
MAX_BYTES = 1 << 20


def _nothing() -> None:
    pass


def subscribe_churn(ctx: BenchContext, case: str, target: float | None) -> Row:
    """10,000 subscribes, then as many unsubscribes in a shuffled order; the floor makes the
    same Subscriptions and puts them in a dict and takes them out (the least a hub can do)."""
    from app.live.hub import MemoryHub, Subscription

    order = list(range(CLIENTS))
    random.Random(7).shuffle(order)

    def ours() -> None:
        hub = MemoryHub()
        subs = [
            hub.subscribe("k", label="X", notify=_nothing, max_bytes=MAX_BYTES)
            for _ in range(CLIENTS)
        ]
        for index in order:
            hub.unsubscribe(subs[index])

    def floor() -> None:
        members: dict[Subscription, None] = {}
        subs = [Subscription("k", "X", _nothing, MAX_BYTES) for _ in range(CLIENTS)]
        for sub in subs:
            members[sub] = None
        for index in order:
            del members[subs[index]]

    samples = interleave(timed(ours), timed(floor), repeats=ctx.sizes.core_repeats)
    note = f"{CLIENTS:,} joins + {CLIENTS:,} leaves"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)


def one_bar_fanout(ctx: BenchContext, case: str, target: float | None) -> Row:
    """One bar published to a stream of 10,000 subscriptions (each ``offer`` keeps it and wakes
    its writer), against a bare loop offering it to 10,000 Subscriptions; every subscription's
    held bar is taken before each sample, as the writers would have."""
    from app.live.hub import LiveMessage, MemoryHub, Subscription

    bar = LiveMessage((60,), (b'{"time":60,"open":1.0,"high":1.0,"low":1.0,"close":1.0}',))
    hub = MemoryHub()
    ours_subs = [
        hub.subscribe("k", label="X", notify=_nothing, max_bytes=MAX_BYTES) for _ in range(CLIENTS)
    ]
    floor_subs = tuple(Subscription("k", "X", _nothing, MAX_BYTES) for _ in range(CLIENTS))

    def floor_publish() -> None:
        for sub in floor_subs:
            sub.offer(bar)

    def sampler(subs: tuple | list, publish: Callable[[], None]) -> Callable[[], float]:
        def sample() -> float:
            for sub in subs:
                sub.take()
            gc.collect()
            start = time.perf_counter()
            publish()
            return time.perf_counter() - start

        return sample

    samples = interleave(
        sampler(ours_subs, lambda: hub.publish("k", bar)),
        sampler(floor_subs, floor_publish),
        repeats=max(15, ctx.sizes.core_repeats * 3),
    )
    note = f"{CLIENTS:,} subscriptions"
    return Row(case, samples.ours_median, samples.floor_median, "s", target, note=note)
