"""A bounded schemathesis run over the FastAPI app's OpenAPI, against the real uvicorn of
tests/web/conftest.py: 0 server errors. (The hostile tester's run: 6,310 requests, 0 errors; this
one keeps to a few hundred so the suite stays fast.) Image routes are left to tests/images: each
render costs a browser's time."""

from __future__ import annotations

import time

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

EXAMPLES_PER_OPERATION = 8
SKIPPED = {"/api/chart.png", "/api/chart.svg", "/api/chart"}
BUDGET_SECONDS = 30


@pytest.mark.slow
def test_no_server_errors_over_the_openapi(server: str):
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    started = time.monotonic()
    checked, errors = 0, []
    with httpx.Client(base_url=server, timeout=30) as client:
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in SKIPPED:
                continue

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            @given(case=operation.as_strategy())
            def call(case) -> None:
                nonlocal checked
                kwargs = case.as_transport_kwargs(base_url=server)
                response = client.request(
                    kwargs["method"],
                    kwargs["url"],
                    params=kwargs.get("params"),
                    headers={k: v for k, v in (kwargs.get("headers") or {}).items()},
                )
                checked += 1
                if response.status_code >= 500:
                    errors.append(f"{case.method} {response.url} -> {response.status_code}")

            call()
    assert checked >= 50
    assert errors == [], errors[:10]
    assert time.monotonic() - started < BUDGET_SECONDS
