// Claims a received webhook event by id inside the transaction that will apply it. The MERGE
// locks the id, so two deliveries of one event racing each other apply it once.
// Params: $event_id, $type, $created (Unix seconds), $now (Unix seconds).
// Returns: fresh (true when this transaction created the record, so it should apply the event).
MERGE (r:ReceivedEvent {event_id: $event_id})
  ON CREATE SET r.type = $type, r.created = $created, r.received_at = $now, r.outcome = 'claimed'
RETURN r.outcome = 'claimed' AS fresh
