// Restore a rejected request from the other user to the actor: pending again.
// Params: $actor_id, $other_id: int, $now: DATETIME (unused). Returns nothing.
MATCH (:User {id: $other_id})-[r:CONNECTION_REQUEST]->(:User {id: $actor_id})
REMOVE r.rejected
