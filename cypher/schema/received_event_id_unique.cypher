// Each webhook event received from SelfCommunity is recorded once, by its event_id: the dedupe
// record that makes a redelivery change nothing.
CREATE CONSTRAINT received_event_id_unique IF NOT EXISTS
FOR (r:ReceivedEvent) REQUIRE r.event_id IS UNIQUE
