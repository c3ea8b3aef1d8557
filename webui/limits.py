"""What one search may cost the server: a cost limit, a gate for expensive searches, a time budget.

* **Cost** — a page's passages cost hits on the page × terms (`SearchRequest.cost`); over
  `MAX_SEARCH_COST` (default `MAX_COST`, 1000) the search is refused with a 400 and a Chinese
  message before any work is done. Pages show 10 hits unless `per_page` asks for more.
* **Gate** — searches costing `EXPENSIVE_COST` (200) or more run `EXPENSIVE_SEARCHES` (1) at a time
  per process; the others wait (within the time budget), so a flood of them leaves the rest of
  the threads and the CPU to ordinary searches.
* **Time budget** — with `SEARCH_TIME_BUDGET` seconds set (`gongkai serve` sets 5), a search still
  running then is interrupted: a watchdog raises `OverBudget` in the request's thread (CPython's
  `PyThreadState_SetAsyncExc`, delivered at the next bytecode, so `with` and `finally` blocks run
  as for any exception). The answer is a 503 with `Retry-After`, JSON under /api. A Python thread
  cannot be killed; it can be made to raise. Work inside one long C call ends before it raises.
"""

from __future__ import annotations

import ctypes
import functools
import threading
import time
from typing import Any, Callable

from flask import Flask, current_app, request

from indexer.errors import GongkaiError, Unavailable
from indexer.search import SearchRequest
from indexer.search.request import MAX_COST

from .search import search_request
from .urls import SearchState

EXPENSIVE_COST = 200
RETRY_AFTER = 5
BUDGET_MESSAGE = "检索超时：服务器正忙或这次检索太大，请稍后再试，或缩小检索范围（减少检索词或每页条数）。"
# The endpoints that run a search, and the hits per page each asks for.
SEARCH_ENDPOINTS = ("api.search", "views.search")


class OverBudget(Unavailable):
    """A search over its time budget, or one that waited too long for its turn: 503."""

    def __init__(self, message: str = BUDGET_MESSAGE):
        super().__init__(message)


class _Watch:
    """Raises OverBudget in one thread once armed and fired, never after it is disarmed."""

    def __init__(self, thread_id: int):
        self.thread_id, self.armed, self.fired = thread_id, True, False
        self.lock = threading.Lock()

    def fire(self) -> None:
        with self.lock:
            if self.armed:
                self.fired = True
                _async_raise(self.thread_id, OverBudget)

    def disarm(self) -> None:
        with self.lock:
            self.armed = False
            if self.fired:
                _async_raise(self.thread_id, None)   # clears it if not yet delivered


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    """Make `exc` raise in the thread at its next bytecode; None (NULL) clears a pending one."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               None if exc is None else ctypes.py_object(exc))


def _request_of(endpoint: str) -> SearchRequest | None:
    """The search a request asks for; None when its arguments are wrong (the view says so)."""
    try:
        return search_request(SearchState.from_args(request.args))
    except GongkaiError:
        return None


def _limited(endpoint: str, view: Callable[..., Any]) -> Callable[..., Any]:
    """The view with the cost limit, the gate and the time budget around it."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        config = current_app.config
        asked = _request_of(endpoint)
        cost = 0 if asked is None else asked.check_cost(config["MAX_SEARCH_COST"])
        budget = config.get("SEARCH_TIME_BUDGET")
        gate = current_app.extensions["gongkai_gate"] if cost >= EXPENSIVE_COST else None
        started = time.monotonic()
        if gate is not None and not gate.acquire(timeout=budget):
            raise OverBudget()
        watch = timer = None
        try:
            if budget:
                watch = _Watch(threading.get_ident())
                timer = threading.Timer(max(0.0, budget - (time.monotonic() - started)),
                                        watch.fire)
                timer.daemon = True
                timer.start()
            return view(*args, **kwargs)
        finally:
            if timer is not None:
                timer.cancel()
                watch.disarm()
            if gate is not None:
                gate.release()

    return run


def register(app: Flask) -> None:
    """Wrap the search views; add Retry-After to every 503."""
    app.config.setdefault("MAX_SEARCH_COST", MAX_COST)
    app.config.setdefault("SEARCH_TIME_BUDGET", None)
    app.config.setdefault("EXPENSIVE_SEARCHES", 1)
    app.extensions["gongkai_gate"] = threading.BoundedSemaphore(app.config["EXPENSIVE_SEARCHES"])
    for endpoint in SEARCH_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = _limited(endpoint, app.view_functions[endpoint])

    @app.after_request
    def retry_after(response):
        if response.status_code == 503:
            response.headers.setdefault("Retry-After", str(RETRY_AFTER))
        return response
