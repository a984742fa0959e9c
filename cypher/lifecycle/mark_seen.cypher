// Mark the other user's request to the actor as seen, once: the first time stays.
// Params: $actor_id, $other_id: int, $now: DATETIME. Returns nothing.
MATCH (:User {id: $other_id})-[r:CONNECTION_REQUEST]->(:User {id: $actor_id})
SET r.viewed = coalesce(r.viewed, $now)
