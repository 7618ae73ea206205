"""The Dash app: layout, callbacks and the offline Bootstrap stylesheet. ``create_app`` builds it;
``app/main_dash.py`` runs it."""

from app.dash_app.factory import create_app

__all__ = ["create_app"]
