"""The Grafana dashboard in docker/ plots only metrics the app defines."""

from __future__ import annotations

import json
import re

from prometheus_client import REGISTRY

import app.metrics  # noqa: F401  (defines every superchart_* metric)
from tests.live_server import ROOT


def test_every_dashboard_query_names_a_defined_metric() -> None:
    dashboard = json.loads((ROOT / "docker" / "grafana-dashboard.json").read_text())
    queries = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {name for query in queries for name in re.findall(r"superchart_[a-z_]+", query)}
    defined = {
        sample_name
        for collector in list(REGISTRY._collector_to_names)
        for sample_name in REGISTRY._collector_to_names[collector]
    }
    assert len(used) >= 10
    assert used <= defined, used - defined
