// Remember when the pair last changed: one PAIR_CHANGE relationship from the lower id to the
// higher, kept after the connection or request is gone (see lifecycle/read_pair_change).
// Params: $low_id, $high_id: int, $now: DATETIME, $event_id: int or null. Returns nothing.
MATCH (a:User {id: $low_id}), (b:User {id: $high_id})
MERGE (a)-[p:PAIR_CHANGE]->(b)
SET p.changed_at = $now, p.event_id = $event_id
