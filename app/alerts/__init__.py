"""Alerts that run on the server: conditions on live bars, fired with no browser open.

Module map: ``conditions`` (the condition objects and the small expression grammar, parsed
once), ``evaluation`` (one stream's alerts, one pass per bar change, through a live
``StreamTap``), ``engine`` (the process's alerts: arming from the store, firing, recording,
syncing), ``pages`` (the WS ``alerts`` subscription), ``webhooks`` (bounded queue, retries,
deadline) over ``webhook_hosts`` (ALERT_WEBHOOK_HOSTS). The rows are ``app.store.alerts``'.
"""

from __future__ import annotations

from app.alerts.conditions import Condition, parse_condition
from app.alerts.engine import AlertEngine

__all__ = ["AlertEngine", "Condition", "parse_condition"]
