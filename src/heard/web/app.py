"""The web app factory. (A placeholder until the inbox lands; `heard serve` and `heard demo` call it.)"""

from __future__ import annotations

from fastapi import FastAPI

from heard.app import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(title="Heard")

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
