"""chainkit: the Lianzhang analytics engine.

Pure Python, never imports Django. Functions take plain data (dicts, lists, CSV
files) and return plain data, so the same code runs in the web app, in
command-line tools and on other backends.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
