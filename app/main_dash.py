"""The Dash app: ``python -m app.main_dash`` or ``python app/main_dash.py`` from the repo root.

Listens on DASH_HOST (default 127.0.0.1; containers set 0.0.0.0) and DASH_PORT (default 8050).
``server`` is the Flask app, for WSGI servers (``gunicorn app.main_dash:server``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if not __package__:  # run as a script: Python put app/ on sys.path; the imports need the root
    _here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]
    sys.path.insert(0, str(_here.parent))

from app.core import ConfigError
from app.dash_app import create_app

try:
    app = create_app()
except ConfigError as exc:
    sys.exit(str(exc))
server = app.server


def main() -> None:
    host = os.environ.get("DASH_HOST", "127.0.0.1")
    port = os.environ.get("DASH_PORT", "8050")
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.exit(f"DASH_PORT: expected a port number from 1 to 65535 (got {port!r})")
    app.run(host=host, port=int(port), debug=False)


if __name__ == "__main__":
    main()
