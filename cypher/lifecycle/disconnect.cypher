// Remove the pair's connection: both CONNECTED_TO relationships, in one statement.
// Params: $actor_id, $other_id: int, $now: DATETIME (unused). Returns nothing.
MATCH (a:User {id: $actor_id})-[c:CONNECTED_TO]-(b:User {id: $other_id})
DELETE c
