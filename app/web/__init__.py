"""The web frontend: serves the Next.js static export (frontend/out) at `/`."""

from app.web.routes import bp

__all__ = ["bp"]
