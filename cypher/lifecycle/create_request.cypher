// A pending request (actor)-[:CONNECTION_REQUEST]->(other) with the next request id from the
// `connection_request` sequence (its lock is taken after the users' locks, always).
// Params: $actor_id, $other_id: int, $now: DATETIME. Returns nothing.
MATCH (a:User {id: $actor_id}), (b:User {id: $other_id})
MERGE (s:Sequence {name: 'connection_request'})
  ON CREATE SET s.last_id = 0
SET s.last_id = s.last_id + 1
CREATE (a)-[:CONNECTION_REQUEST {id: s.last_id, created_at: $now}]->(b)
