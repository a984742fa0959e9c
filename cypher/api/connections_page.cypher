// One page of `$user_id`'s connections in one round trip: {found, count, from_oldest, rows}.
// Params: $user_id: int, $viewer_id: int or null (the requester), $offset: int (clamped by the
// caller to < 2^40, so the arithmetic below cannot overflow), $limit: int, $oldest_from: int
// (lists at least this long read older-half pages from the oldest end).
// - found: false (count 0, no rows) when no active :User has that id.
// - count: the degree store's out-degree, O(1) at any degree (= connections_counter).
// - rows: the page, newest connection first, ties by user id ascending, read in index order
//   (schema/connection_order) from the newest end; each row is {user, the three counters,
//   connection_status} as in api/user_rows.
// - from_oldest: true when the page lies in the older half of the list; then rows is empty and
//   the caller reads it with api/connections_page_oldest in the same transaction, so no page
//   skips more than half of a user's index entries (SKIP cannot depend on count in Cypher).
OPTIONAL MATCH (u:User {id: $user_id})
WHERE u.status = 'a'
WITH u, CASE WHEN u IS NULL THEN 0 ELSE COUNT { (u)-[:CONNECTED_TO]->() } END AS count
// short lists are skipped from the newest end: a second round trip costs more than that skip
WITH u, count,
     $offset < count AND 2 * $offset + $limit > count AND $offset > 0 AND count >= $oldest_from
       AS from_oldest
CALL {
  WITH u, count, from_oldest
  WITH u WHERE u IS NOT NULL AND $offset < count AND NOT from_oldest
  MATCH ()-[c:CONNECTED_TO]->(o)
  // a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
  USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
  WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
  WITH c, o ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
  SKIP $offset LIMIT $limit
  RETURN collect(o) AS page
}
OPTIONAL MATCH (viewer:User {id: $viewer_id})
CALL {
  WITH page, viewer
  UNWIND range(0, size(page) - 1) AS position
  WITH page[position] AS o, viewer, position
  ORDER BY position
  RETURN collect({
    user: o {.*},
    connections_counter: COUNT { (o)-[:CONNECTED_TO]->() },
    connection_requests_sent_counter: COUNT { (o)-[:CONNECTION_REQUEST]->() },
    // a rejected request still counts as sent, but no longer as received
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
RETURN u IS NOT NULL AS found, count, from_oldest, rows
