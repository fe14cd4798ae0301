"""Tollbook: document, link, estimate and publish victim counts when a state will not."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tollbook")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
