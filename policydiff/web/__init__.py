"""The archive as a local web app (``policydiff serve``): Flask pages rendered on the server."""

from .app import create_app

__all__ = ["create_app"]
