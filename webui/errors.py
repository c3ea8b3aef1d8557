"""One error handler: a clear message as an HTML page or, under /api/, a JSON error object.

User mistakes (`GongkaiError`, `.status` 400 or 404) show their own message; anything unexpected
shows a plain Chinese message with status 500 and is logged — never a traceback on the page.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import GongkaiError

_MESSAGES = {
    400: "请求有误。",
    404: "没有找到这个页面。",
    405: "不支持这种请求方式。",
    500: "服务器出了点问题，请稍后再试。",
}
_TITLES = {400: "请求有误", 404: "未找到", 405: "请求有误", 500: "服务器错误"}


_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 500: "server_error",
          503: "unavailable"}


def error_response(message: str, status: int, code: str | None = None):
    """The error as JSON (a machine `code` and a Chinese `message`) for API paths and JSON
    exports, else as the error page."""
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        return jsonify({"error": {"code": code or _CODES.get(status, "error"),
                                  "message": message}}), status
    return render_template("error.html", message=message, status=status,
                           title=_TITLES.get(status, "出错了")), status


def register(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(GongkaiError)
    def gongkai_error(exc: GongkaiError):
        return error_response(exc.message, exc.status, exc.code)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        description = exc.description if isinstance(exc.description, str) else ""
        # Werkzeug's own English descriptions are replaced; messages given to abort() are kept.
        own = description and any("\u4e00" <= ch <= "\u9fff" for ch in description)
        return error_response(description if own else _MESSAGES.get(status, "请求有误。"), status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(_MESSAGES[500], 500)
