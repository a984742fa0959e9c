"""`POST /webhooks/selfcommunity/`: SelfCommunity's signed events, applied to the graph."""

from __future__ import annotations

import falcon

from service.webhooks.inbound import EventReceiver

MAX_BODY_BYTES = 1 << 20  # a connection event with two full users is a few KiB


class SelfCommunityWebhookResource:
    """Verifies the signature over the raw body, then applies the event once; 2xx = done."""

    max_body_bytes = MAX_BODY_BYTES  # service/api/bodies.py enforces it before this runs
    rate_budget = None  # signed by SelfCommunity, which retries what we refuse

    def __init__(self, receiver: EventReceiver):
        self.receiver = receiver

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        body = req.bounded_stream.read()
        outcome = self.receiver.receive(req.get_header("SelfCommunity-Signature"), body)
        resp.media = {"status": outcome}
