"""The web app: FastAPI routes (thin), Jinja2 templates, htmx, SSE."""
