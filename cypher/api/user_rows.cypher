// Full User rows for a page of ids, in the order given, as `$viewer_id` sees them.
// Params: $ids: list of int, $viewer_id: int or null (the requesting user).
// Returns per id: user (map of the :User's properties), the three connection counters
// (degree-store counts) and connection_status relative to the viewer (null for anonymous
// viewers and for the viewer's own record).
OPTIONAL MATCH (viewer:User {id: $viewer_id})
UNWIND range(0, size($ids) - 1) AS position
MATCH (o:User {id: $ids[position]})
RETURN o {.*} AS user,
       COUNT { (o)-[:CONNECTED_TO]->() } AS connections_counter,
       COUNT { (o)-[:CONNECTION_REQUEST]->() } AS connection_requests_sent_counter,
       // a rejected request still counts as sent, but no longer as received (issue 10)
       COUNT { (o)<-[r:CONNECTION_REQUEST]-() WHERE NOT coalesce(r.rejected, false) }
         AS connection_requests_received_counter,
       CASE
         WHEN viewer IS NULL OR viewer = o THEN null
         WHEN EXISTS { (viewer)-[:CONNECTED_TO]->(o) } THEN 'connected'
         WHEN EXISTS { (viewer)-[:CONNECTION_REQUEST]->(o) } THEN 'sent_connection_request'
         WHEN EXISTS { (o)-[r:CONNECTION_REQUEST]->(viewer) WHERE NOT coalesce(r.rejected, false) }
           THEN 'received_connection_request'
       END AS connection_status
ORDER BY position
