"""The one error type for "the user (or the input) asked for something wrong"."""


class GongkaiError(Exception):
    """A user mistake or bad input: rendered as a message, never a traceback."""

    status = 400
    code = "bad_request"   # a machine code for the JSON error object; `code=` names the mistake

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ReportReadError(GongkaiError):
    """A file that cannot be read as a report: names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotFound(GongkaiError):
    """An unknown report, agency or page."""

    status = 404
    code = "not_found"


class Unavailable(GongkaiError):
    """The index cannot answer now (a search cluster that does not respond): try again later."""

    status = 503
    code = "unavailable"
