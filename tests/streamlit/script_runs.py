"""Waiting for a Streamlit script run to end in the browser.

Streamlit draws a run's elements as the script reaches them and keeps the last run's elements
(stale) until the run ends: once the chart shows a change, what the script draws after it (the
paging caption, the download buttons) may still be the last run's for a moment.
"""

from __future__ import annotations

from playwright.sync_api import Page

# The app's root says whether a script run is going on; no element is left from the last run.
RUN_DONE = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector("[data-stale='true']");
}"""


def wait_for_run_done(page: Page, timeout: float = 60_000) -> None:
    """Wait for the script run that has begun (call it after a change of the run is seen) to
    end, with every element of the page its own."""
    page.wait_for_function(RUN_DONE, timeout=timeout)
