// When the pair last changed: one row {changed_at: DATETIME, event_id} or no row (never).
// Params: $low_id, $high_id: int (low < high).
MATCH (:User {id: $low_id})-[p:PAIR_CHANGE]->(:User {id: $high_id})
RETURN p.changed_at AS changed_at, p.event_id AS event_id
