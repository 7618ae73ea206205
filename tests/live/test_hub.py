"""The hub's subscriptions: newest state per bar, bounded, and safe to leave mid-publish."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.live.hub import LiveMessage, MemoryHub


def message(*bars: tuple[int, str]) -> LiveMessage:
    return LiveMessage(tuple(t for t, _ in bars), tuple(b.encode() for _, b in bars))


def test_a_slow_reader_gets_the_newest_state_of_each_bar_once() -> None:
    hub = MemoryHub()
    woken = []
    sub = hub.subscribe("k", label="EURUSD", notify=lambda: woken.append(1), max_bytes=10_000)
    hub.publish("k", message((60, "a1")))
    hub.publish("k", message((60, "a2"), (120, "b1")))  # bar 60 closed, bar 120 opens
    hub.publish("k", message((120, "b2")))
    hub.publish("k", message((120, "b3")))
    reset, taken = sub.take()
    assert not reset and len(woken) == 4
    assert taken == message((60, "a2"), (120, "b3"))
    assert taken.joined == b"[a2,b3]"
    assert sub.take() == (False, None)


def test_a_backlog_past_the_bound_overflows_and_is_dropped() -> None:
    hub = MemoryHub()
    sub = hub.subscribe("k", label="X", notify=lambda: None, max_bytes=100)
    hub.publish("k", message((0, "x" * 80)))  # one message is always held
    assert not sub.overflowed
    hub.publish("k", message((60, "y" * 80)))
    assert sub.overflowed and sub.pending_bytes == 0
    hub.publish("k", message((120, "z")))
    assert sub.take() == (False, None)


def test_leaving_while_a_message_is_handed_out_skips_nobody() -> None:
    hub = MemoryHub()
    got: list[str] = []
    first = hub.subscribe("k", label="X", notify=lambda: hub.unsubscribe(first), max_bytes=99)
    hub.subscribe("k", label="X", notify=lambda: got.append("second"), max_bytes=99)
    hub.publish("k", message((0, "a")))
    assert got == ["second"]
    assert hub.stats() == {"total_subscriptions": 1, "symbol_subscribers": {"X": 1}}


def test_reset_replaces_pending_bars_and_messages_cross_processes_as_bytes() -> None:
    hub = MemoryHub()
    sub = hub.subscribe("k", label="X", notify=lambda: None, max_bytes=99)
    hub.publish("k", message((0, "a")))
    hub.publish("k", LiveMessage(reset=True))
    assert sub.take() == (True, None)
    original = message((0, '{"time":0}'), (60, '{"time":60}'))
    assert LiveMessage.from_bytes(original.to_bytes()) == original


Step = tuple[str, int]  # ("join", stream) / ("leave", which) / ("publish", stream)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["join", "leave", "leave_again", "publish"]), st.integers(0, 40)),
        max_size=120,
    )
)
def test_joins_and_leaves_in_any_order_the_bar_reaches_exactly_who_is_subscribed(
    steps: list[Step],
) -> None:
    """Against a model (a set of members per stream): after any interleaving of joins, leaves
    (in any order, twice, of subscriptions long gone) and publishes, each publish reaches every
    member of its stream once and nobody else; counts and stats agree."""
    hub = MemoryHub()
    members: dict[str, dict[int, object]] = {"a": {}, "b": {}}
    subs: list = []
    got: list[int] = []
    for step, value in steps:
        if step == "join":
            key = "ab"[value % 2]
            index = len(subs)
            sub = hub.subscribe(key, label=key.upper(), notify=lambda i=index: got.append(i),
                                max_bytes=1 << 20)  # fmt: skip
            subs.append(sub)
            members[key][index] = sub
        elif step.startswith("leave") and subs:
            index = value % len(subs)
            hub.unsubscribe(subs[index])
            members[subs[index].key].pop(index, None)
        elif step == "publish":
            key = "ab"[value % 2]
            got.clear()
            hub.publish(key, message((value, "x")))
            assert sorted(got) == sorted(members[key]), (key, got)
            for index in members[key]:
                assert subs[index].take() == (False, message((value, "x")))
    for key in "ab":
        assert hub.subscribers(key) == len(members[key])
    want = {key.upper(): len(m) for key, m in members.items() if m}
    assert hub.stats() == {"total_subscriptions": sum(want.values()), "symbol_subscribers": want}


def test_a_subscriber_joining_while_a_bar_is_handed_out_gets_the_next_one() -> None:
    hub = MemoryHub()
    joined: list = []
    got: list[str] = []

    def join() -> None:
        if not joined:
            joined.append(hub.subscribe("k", label="X", notify=lambda: got.append("new"),
                                        max_bytes=99))  # fmt: skip

    hub.subscribe("k", label="X", notify=join, max_bytes=99)
    hub.publish("k", message((0, "a")))
    assert got == []
    hub.publish("k", message((60, "b")))
    assert got == ["new"] and joined[0].take() == (False, message((60, "b")))
