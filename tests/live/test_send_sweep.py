"""The send-timeout sweep visits only the clients whose writer is mid-send (#25: a pass over
every one of 10,000 connections each second stalled the live fan-out): a send under way is
noted in the service's ``sending`` set, and its end, a stop or a close takes it out."""

from __future__ import annotations

from app.live.outbox import Outbox


class Holder:
    """Attributes only, hashable by identity (as a LiveClient)."""


def test_a_send_under_way_is_where_the_sweep_looks_until_it_ends_or_stops() -> None:
    service = Holder()
    service.sending = set()
    client = Holder()
    client.service = service
    outbox = Outbox(client)  # type: ignore[arg-type]
    outbox._sending(12.5)
    assert service.sending == {client} and outbox.sending_since == 12.5
    outbox._sending(None)
    assert service.sending == set() and outbox.sending_since is None
    outbox._sending(13.0)
    outbox.stop()  # the connection closes mid-send
    assert service.sending == set() and outbox.sending_since is None
    outbox._sending(14.0)
    outbox.detach()
    assert service.sending == set()
    outbox._sending(15.0)  # a detached outbox notes nothing anywhere
    assert service.sending == set()
