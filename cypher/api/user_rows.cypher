// Full User rows for a page of ids, in the order given, as `$viewer_id` sees them.
// Params: $ids: list of int, $viewer_id: int or null (the requesting user).
// Returns per id: user (map of the :User's properties), the three connection counters and
// connection_status relative to the viewer (null for anonymous viewers and for the viewer's
// own record). Counters equal the lists' lengths: connections and sent requests are degree-store
// counts; received counts pending requests only (a rejected one no longer lists).
// connection_status is THE status rule of service/domain/lifecycle.py (status_of/classify), in
// the same order: connected; a request from o (null once the viewer rejected it); the viewer's
// request (sent_connection_request, rejected or not: its sender is never told).
OPTIONAL MATCH (viewer:User {id: $viewer_id})
UNWIND range(0, size($ids) - 1) AS position
MATCH (o:User {id: $ids[position]})
RETURN o {.*} AS user,
       COUNT { (o)-[:CONNECTED_TO]->() } AS connections_counter,
       COUNT { (o)-[:CONNECTION_REQUEST]->() } AS connection_requests_sent_counter,
       COUNT { (o)<-[r:CONNECTION_REQUEST]-() WHERE r.rejected IS NULL }
         AS connection_requests_received_counter,
       CASE
         WHEN viewer IS NULL OR viewer = o THEN null
         WHEN EXISTS { (viewer)-[:CONNECTED_TO]->(o) } THEN 'connected'
         WHEN EXISTS { (o)-[r:CONNECTION_REQUEST]->(viewer) WHERE r.rejected IS NULL }
           THEN 'received_connection_request'
         WHEN EXISTS { (o)-[:CONNECTION_REQUEST]->(viewer) } THEN null
         WHEN EXISTS { (viewer)-[:CONNECTION_REQUEST]->(o) } THEN 'sent_connection_request'
       END AS connection_status
ORDER BY position
