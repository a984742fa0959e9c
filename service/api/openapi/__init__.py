"""The OpenAPI 3 document: `build_openapi()` (document.py), the lifecycle's paths, shared parts."""

from service.api.openapi.document import build_openapi
from service.api.openapi.limits import UNLIMITED_PATHS, WEBHOOK_PATH

__all__ = ["UNLIMITED_PATHS", "WEBHOOK_PATH", "build_openapi"]
