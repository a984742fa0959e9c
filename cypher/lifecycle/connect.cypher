// Connect the pair: delete every request between them (either direction), then create both
// CONNECTED_TO relationships together with created_at = $now (see schema/connection_order).
// Params: $actor_id, $other_id: int, $now: DATETIME. Returns nothing.
MATCH (a:User {id: $actor_id}), (b:User {id: $other_id})
CALL (a, b) {
  OPTIONAL MATCH (a)-[r:CONNECTION_REQUEST]-(b)
  DELETE r
}
CREATE (a)-[:CONNECTED_TO {created_at: $now, owner: a.id, neg_other: -b.id}]->(b)
CREATE (b)-[:CONNECTED_TO {created_at: $now, owner: b.id, neg_other: -a.id}]->(a)
