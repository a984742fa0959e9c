// Every webhook subscriber has a unique integer id (what `connections webhooks remove ID` takes).
CREATE CONSTRAINT webhook_subscriber_id_unique IF NOT EXISTS
FOR (s:WebhookSubscriber) REQUIRE s.id IS UNIQUE
