// One page of `$user_id`'s connections read from a known key (an anchor from
// api/connection_anchors) instead of from the newest end: the index seek starts at the anchor,
// so the page skips at most the anchor spacing whatever its offset. One record {count, newest,
// rows}, or no record when the user is not active: count and newest (as in
// api/connection_anchors) let the caller check that the list has
// not changed since the anchors were taken; rows as in api/connections_page.
// Params: $user_id: int, $viewer_id: int or null, $anchor_at: text, $anchor_neg: int (the
// anchor's created_at and neg_other), $skip: int (offset minus the anchor's position), $limit.
MATCH (u:User {id: $user_id})
WHERE u.status = 'a'
CALL {
  MATCH ()-[c:CONNECTED_TO]->()
  USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
  WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
  WITH c ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
  LIMIT 1
  RETURN [toString(c.created_at), c.neg_other] AS newest
}
CALL {
  MATCH ()-[c:CONNECTED_TO]->(o)
  // a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
  USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
  WHERE c.owner = $user_id AND c.created_at <= datetime($anchor_at) AND c.neg_other IS NOT NULL
    AND (c.created_at < datetime($anchor_at) OR c.neg_other <= $anchor_neg)
  WITH c, o ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
  SKIP $skip LIMIT $limit
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
RETURN COUNT { (u)-[:CONNECTED_TO]->() } AS count, newest, rows
