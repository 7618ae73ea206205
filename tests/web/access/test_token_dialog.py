"""The page behind API_TOKENS in a real Chromium: it asks for the token once (a dialog), says so
when a token is refused, then draws the chart, goes live over /ws and fetches with the token;
a reload in the same session does not ask again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.access.conftest import TOKEN_A, serve

pytestmark = pytest.mark.browser

READY = "() => window.superChart && window.superChart.ready"
LIVE = "() => window.superChart.live.status.state === 'live'"


@pytest.fixture(scope="module")
def guarded_page(access_data: Path) -> Iterator[str]:
    with serve(access_data, API_TOKENS=TOKEN_A) as (base, _):
        yield base


def test_the_page_asks_once_then_works_with_the_token(page, guarded_page: str) -> None:
    page.goto(guarded_page + "/chart")
    dialog = page.locator("#token-dialog")
    assert dialog.is_visible()
    assert page.locator("#chart").count() == 0  # nothing of the chart before the token

    page.fill("#token-input", "not-the-right-token-000")
    page.click("button[type=submit]")
    page.wait_for_selector("#token-error:not([hidden])")
    assert "not accepted" in page.locator("#token-error").inner_text()

    page.fill("#token-input", TOKEN_A)
    page.click("button[type=submit]")
    page.wait_for_function(READY, timeout=60_000)
    page.wait_for_function(LIVE, timeout=60_000)  # /ws opened with ?token=
    symbols = page.evaluate("async () => (await fetch('/api/symbols')).status")
    assert symbols == 200  # the page's fetches carry the token
    assert page.evaluate("() => sessionStorage.getItem('superchart.token')") == TOKEN_A

    page.reload()
    page.wait_for_function(READY, timeout=60_000)
    assert page.locator("#token-dialog").count() == 0
    # The only errors: the dialog's own two loads (answered 401, as they must be).
    errors = page.watch.console_errors
    assert len(errors) == 2 and all("status of 401" in error for error in errors), errors
