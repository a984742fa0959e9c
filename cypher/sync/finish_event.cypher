// Stores what applying a claimed webhook event did: applied, stale (older than what the pair or
// user already shows), ignored (a type this service does not handle).
// Params: $event_id, $outcome.
MATCH (r:ReceivedEvent {event_id: $event_id})
SET r.outcome = $outcome
