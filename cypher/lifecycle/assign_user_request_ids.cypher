// As lifecycle/assign_request_ids, only for requests sent or received by $user_id: int.
// Returns {assigned}.
MATCH (:User {id: $user_id})-[r:CONNECTION_REQUEST]-()
WHERE r.id IS NULL
WITH r ORDER BY r.created_at, elementId(r)
WITH collect(r) AS requests
MERGE (s:Sequence {name: 'connection_request'})
  ON CREATE SET s.last_id = 0
SET s.last_id = s.last_id + size(requests)
WITH requests, s.last_id - size(requests) AS base
UNWIND range(0, size(requests) - 1) AS i
WITH requests[i] AS r, base + i + 1 AS id
SET r.id = id
RETURN count(r) AS assigned
