// Delete the actor's own request to the other user (pending or rejected).
// Params: $actor_id, $other_id: int, $now: DATETIME (unused). Returns nothing.
MATCH (:User {id: $actor_id})-[r:CONNECTION_REQUEST]->(:User {id: $other_id})
DELETE r
