// Adds a webhook subscriber and returns it. Its cursor (the last event id it has been sent)
// starts at the newest logged event, so it gets what happens from now on, or at 0 to replay
// the whole log. Ids come from the `webhook_subscriber` sequence, locked by the SET.
// Params: $url, $secret, $events (list of event types; empty = every type), $from_start (bool),
//         $now (Unix seconds).
MERGE (seq:Sequence {name: 'webhook_subscriber'})
SET seq.last = coalesce(seq.last, 0) + 1
WITH seq
OPTIONAL MATCH (newest:Event)
WITH seq, newest ORDER BY newest.id DESC LIMIT 1
CREATE (s:WebhookSubscriber {
  id: seq.last, url: $url, secret: $secret, events: $events, created_at: $now, attempts: 0,
  cursor: CASE WHEN $from_start THEN 0 ELSE coalesce(newest.id, 0) END
})
RETURN s.id AS id, s.url AS url, s.events AS events
