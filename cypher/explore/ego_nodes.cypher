// The nodes of an active user's ego network, bounded whatever the degrees: {found, degree, nodes}.
// Params: $user_id: int, $first_limit: int (connections drawn), $hops: int (1 or 2),
// $fanout: int (second hop: newest connections read per drawn connection),
// $second_limit: int (second-hop users drawn).
// - found: false (degree 0, no nodes) when no active :User has that id.
// - degree: the user's connections_counter (degree store, O(1)).
// - nodes: the user (hop 0); their $first_limit newest connections (hop 1, index order of
//   schema/connection_order, as the connections list); with $hops = 2, up to $second_limit users
//   reached through the first hop's $fanout newest connections each, not drawn already, most
//   reached first, then id (hop 2). Each node is {id, username, real_name, avatar, status, hop,
//   connections_counter, pagerank, community_id}; the last two are the analytics' properties,
//   null where they were never computed. Never an email.
// At most $first_limit + $first_limit * $fanout index entries are read.
OPTIONAL MATCH (u:User {id: $user_id})
WHERE u.status = 'a'
CALL (u) {
  WITH u WHERE u IS NOT NULL
  MATCH ()-[c:CONNECTED_TO]->(f)
  // a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
  USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
  WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
  WITH c, f ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
  LIMIT $first_limit
  RETURN collect(f) AS first
}
CALL (u, first) {
  WITH u, first WHERE $hops >= 2
  UNWIND first AS f
  CALL (f) {
    MATCH ()-[d:CONNECTED_TO]->(s)
    USING INDEX SEEK d:CONNECTED_TO(owner, created_at, neg_other)
    WHERE d.owner = f.id AND d.created_at IS NOT NULL AND d.neg_other IS NOT NULL
    WITH d, s ORDER BY d.owner DESC, d.created_at DESC, d.neg_other DESC
    LIMIT $fanout
    RETURN s
  }
  WITH s WHERE s <> u AND NOT s IN first
  WITH s, count(*) AS via
  ORDER BY via DESC, s.id ASC
  LIMIT $second_limit
  RETURN collect(s) AS second
}
CALL (u, first, second) {
  UNWIND [x IN [u] WHERE x IS NOT NULL | {n: x, hop: 0}] + [x IN first | {n: x, hop: 1}]
         + [x IN second | {n: x, hop: 2}] AS item
  WITH item.n AS n, item.hop AS hop
  RETURN collect({
    id: n.id, username: n.username, real_name: n.real_name, avatar: n.avatar,
    status: n.status, hop: hop, connections_counter: COUNT { (n)-[:CONNECTED_TO]->() },
    pagerank: n.pagerank, community_id: n.community_id
  }) AS nodes
}
RETURN u IS NOT NULL AS found,
       CASE WHEN u IS NULL THEN 0 ELSE COUNT { (u)-[:CONNECTED_TO]->() } END AS degree,
       nodes
