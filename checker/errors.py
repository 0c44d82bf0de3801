"""Errors pdguard reports about its input (never about itself)."""
from __future__ import annotations


class InputError(Exception):
    """Input that could not be read or understood: a file, a line and what is wrong.

    Raised by loaders and the evaluator's strict paths; collected into Report.errors and turned
    into exit code 2 by the CLI (fail closed: an unreadable file is never reported clean).
    """

    def __init__(self, message: str, file: str = "", line: int = 0):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (f"{self.file}: " if self.file else "")
        return f"{where}{self.message}"


class EvalError(Exception):
    """An expression that cannot be evaluated (bad reference, wrong type, unknown function).

    The module evaluator catches it per attribute and records the attribute as UNKNOWN with
    this message as the reason, plus a diagnostic naming the file and line.
    """

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
