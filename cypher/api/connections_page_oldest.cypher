// The rows of a page in the older half of `$user_id`'s connections, read from the oldest end of
// the index (api/connections_page returned from_oldest): same rows as that query, one
// {rows} record in page order (newest first).
// Params: $user_id: int, $viewer_id: int or null, $skip: int (count - end of the page, counted
// from the oldest), $limit: int (rows on the page).
MATCH ()-[c:CONNECTED_TO]->(o)
// a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
WITH c, o ORDER BY c.owner ASC, c.created_at ASC, c.neg_other ASC
SKIP $skip LIMIT $limit
WITH collect(o) AS oldest_first
OPTIONAL MATCH (viewer:User {id: $viewer_id})
CALL {
  WITH oldest_first, viewer
  UNWIND range(size(oldest_first) - 1, 0, -1) AS position
  WITH oldest_first[position] AS o, viewer, position
  ORDER BY position DESC
  RETURN collect({
    user: o {.*},
    connections_counter: COUNT { (o)-[:CONNECTED_TO]->() },
    connection_requests_sent_counter: COUNT { (o)-[:CONNECTION_REQUEST]->() },
    connection_requests_received_counter:
      COUNT { (o)<-[r:CONNECTION_REQUEST]-() WHERE r.rejected IS NULL },
    connection_status: CASE
      WHEN viewer IS NULL OR viewer = o THEN null
      WHEN EXISTS { (viewer)-[:CONNECTED_TO]->(o) } THEN 'connected'
      WHEN EXISTS { (o)-[r:CONNECTION_REQUEST]->(viewer) WHERE r.rejected IS NULL }
        THEN 'received_connection_request'
      WHEN EXISTS { (o)-[:CONNECTION_REQUEST]->(viewer) } THEN null
      WHEN EXISTS { (viewer)-[:CONNECTION_REQUEST]->(o) } THEN 'sent_connection_request'
    END
  }) AS rows
}
RETURN rows
