"""``expect_error``: a page demonstrates an error, and the demonstration is checked.

A page that shows what goes wrong writes::

    with expect_error(RuntimeError, match="size of tensor a"):
        torch.randn(64, 64) + torch.randn(32)

The reader sees the error as Python would report it (``RuntimeError: The
size of tensor a ...``), and the page fails to execute when the statement
stops raising, raises another type, or says something else. A cell tagged
``raises-exception`` checks none of this: it passes whether or not it raises.
"""

from __future__ import annotations

import re
import traceback
from types import TracebackType

ErrorTypes = type[BaseException] | tuple[type[BaseException], ...]


def _name(exc_type: ErrorTypes) -> str:
    types = exc_type if isinstance(exc_type, tuple) else (exc_type,)
    return " or ".join(t.__name__ for t in types)


class expect_error:  # noqa: N801 - used as a lower-case context manager, like pytest.raises
    """Run a block that must raise ``exc_type``; show the error; fail otherwise.

    On leaving the block, the caught error is printed as the last lines of its
    traceback would read (``TypeError: message``; a message of several lines
    keeps them) and swallowed, so the next statement runs. If the block raises
    nothing, raises an error of another type, or raises one whose message does
    not match, an ``AssertionError`` says what was expected and what happened
    (chained to the error raised, if any).

    Args:
        exc_type: the exception class that must be raised (subclasses count), or
            a tuple of such classes.
        match: a regular expression that ``re.search`` must find in
            ``str(error)``; ``None`` accepts any message.

    The caught error is kept as ``.value`` (``None`` until the block raised).

    Twin: ``pytest.raises(exc_type, match=match)``, which also records the error
    but prints nothing.
    """

    def __init__(self, exc_type: ErrorTypes, match: str | None = None) -> None:
        types = exc_type if isinstance(exc_type, tuple) else (exc_type,)
        if not types or not all(isinstance(t, type) and issubclass(t, BaseException) for t in types):
            raise TypeError(f"exc_type must be an exception class or a tuple of them, got {exc_type!r}")
        if match is not None and not isinstance(match, str):
            raise TypeError(f"match must be a str (a regular expression) or None, got {match!r}")
        try:
            self._pattern = None if match is None else re.compile(match)
        except re.error as err:
            raise ValueError(f"match must be a valid regular expression, got {match!r}: {err}") from None
        self.exc_type = exc_type
        self.match = match
        self.value: BaseException | None = None

    def _expected(self) -> str:
        return _name(self.exc_type) + ("" if self.match is None else f" matching {self.match!r}")

    def __enter__(self) -> expect_error:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc is None:
            raise AssertionError(f"expected {self._expected()}, but nothing was raised")
        shown = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")
        if not isinstance(exc, self.exc_type):
            raise AssertionError(f"expected {self._expected()}, but got {shown}") from exc
        if self._pattern is not None and not self._pattern.search(str(exc)):
            raise AssertionError(f"expected {self._expected()}, but the message was: {shown}") from exc
        self.value = exc
        print(shown)
        return True  # swallow the expected error
