"""Failures of a report build whose message is meant for the person who asked for it."""


class ReportError(Exception):
    """A report cannot be built; `message` is shown on the report as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MissingFont(ReportError):
    """No Chinese (CJK) font is installed: the PDF would show boxes instead of characters."""
