"""The gongkai web UI and JSON API: turns the library's search results into pages and JSON."""

from __future__ import annotations

import os
from typing import Any, Mapping

from flask import Flask, url_for
from werkzeug.routing import BuildError


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask app. `BACKEND`: the index to serve (a directory or a backend URL such as
    sphinx://HOST:PORT); defaults to $GONGKAI_BACKEND, else `INDEX_DIR` ($GONGKAI_INDEX_DIR or
    var/index)."""
    app = Flask(__name__)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("GONGKAI_INDEX_DIR", "var/index"),
        BACKEND=os.environ.get("GONGKAI_BACKEND"),
        JSON_AS_ASCII=False,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import access_log, api, compression, errors, export, limits, original, security, stats, views

    app.register_blueprint(views.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(stats.bp)
    app.register_blueprint(original.bp)
    errors.register(app)
    limits.register(app)
    security.register(app)
    # after_request handlers run last-registered first: compression, then the access log (which
    # so logs the bytes actually sent).
    access_log.register(app)
    compression.register(app)

    @app.template_global()
    def nav_url(endpoint: str) -> str | None:
        """URL of an optional page (e.g. `stats.index`), or None while it is not registered."""
        try:
            return url_for(endpoint)
        except BuildError:
            return None

    return app
