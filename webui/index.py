"""The search index of the app: opened once per process, shared by every request.

`open_index` (the library) reopens the searcher when a re-index swaps in a new generation, so a
long-running server sees new reports without a restart.
"""

from __future__ import annotations

import threading

from flask import current_app

_lock = threading.Lock()


def get_index():
    """The app's `indexer.search.Index`, opened on first use from `BACKEND` (else `INDEX_DIR`)."""
    app = current_app._get_current_object()
    index = app.extensions.get("gongkai_index")
    if index is None:
        with _lock:
            index = app.extensions.get("gongkai_index")
            if index is None:
                from indexer.search import open_index

                index = open_index(app.config.get("BACKEND") or app.config["INDEX_DIR"])
                app.extensions["gongkai_index"] = index
    return index
