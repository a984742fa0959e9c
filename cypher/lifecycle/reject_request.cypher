// Mark the other user's request to the actor rejected (it is kept: its sender is never told).
// Params: $actor_id, $other_id: int, $now: DATETIME. Returns nothing.
MATCH (:User {id: $other_id})-[r:CONNECTION_REQUEST]->(:User {id: $actor_id})
SET r.rejected = $now
