"""The OpenAPI 3 document: `build_openapi()` (document.py), the lifecycle's paths, shared parts."""

from service.api.openapi.document import build_openapi

__all__ = ["build_openapi"]
