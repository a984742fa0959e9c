"""Who is asking, once per request: a hook puts the viewer and the access rule on req.context.

A responder decorated with `@requires(Access.X)` starts with `req.context.viewer` set (a
`Viewer`, or None where the rule admits anonymous callers) and `req.context.access` naming the
rule it passed; a missing or bad token, or a rule that refuses, has already answered 401/403.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

import falcon

from service.domain.connections import Access, Viewer


class AccessPolicy(Protocol):
    """What the hook needs from the service (domain.connections.ConnectionsService)."""

    def admit(self, authorization: str | None, access: Access) -> Viewer | None: ...


class Guarded(Protocol):
    """A resource the hook guards: it holds the service that knows the rules."""

    service: AccessPolicy


def authorize(
    req: falcon.Request,
    resp: falcon.Response,
    resource: object,
    params: dict[str, Any],
    access: Access,
) -> None:
    """The hook: authenticate the request and apply `access` before the responder runs."""
    policy = cast(Guarded, resource).service
    req.context.viewer = policy.admit(req.get_header("Authorization"), access)
    req.context.access = access


def requires(access: Access):
    """Decorate a responder: it runs only for a caller `access` admits (see `authorize`)."""
    return falcon.before(authorize, access)
