"""Errors raised by the engine for bad input; messages are in Chinese for end users."""

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad input data (a file, a taxonomy, a record). The message says what and where."""
