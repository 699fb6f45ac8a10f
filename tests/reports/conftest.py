"""The web app fixtures (a runtime on a SQLite file, a browser that has not logged in) are the web tests' own."""

from tests.web.conftest import anonymous, runtime

__all__ = ["anonymous", "runtime"]
