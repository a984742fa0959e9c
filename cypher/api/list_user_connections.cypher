// One page of `$user_id`'s active connections, newest connection first, ties by user id.
// Params: $user_id: int, $viewer_id: int or null (the requesting user), $offset: int, $limit: int.
// Returns per row: user (map of the :User's properties), connected_at, the three connection
// counters (degree-store counts of all relationships) and connection_status relative to the viewer.
MATCH (u:User {id: $user_id})-[c:CONNECTED_TO]-(o)
WHERE o.status = 'a'
WITH o, c.created_at AS connected_at
ORDER BY connected_at DESC, o.id ASC
SKIP $offset LIMIT $limit
OPTIONAL MATCH (viewer:User {id: $viewer_id})
RETURN o {.*} AS user,
       COUNT { (o)-[:CONNECTED_TO]-() } AS connections_counter,
       COUNT { (o)-[:CONNECTION_REQUEST]->() } AS connection_requests_sent_counter,
       COUNT { (o)<-[:CONNECTION_REQUEST]-() } AS connection_requests_received_counter,
       CASE
         WHEN viewer IS NULL OR viewer = o THEN null
         WHEN EXISTS { (viewer)-[:CONNECTED_TO]-(o) } THEN 'connected'
         WHEN EXISTS { (viewer)-[:CONNECTION_REQUEST]->(o) } THEN 'sent_connection_request'
         WHEN EXISTS { (o)-[:CONNECTION_REQUEST]->(viewer) } THEN 'received_connection_request'
       END AS connection_status
ORDER BY connected_at DESC, o.id ASC
