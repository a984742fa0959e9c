// One page of friend-of-friend suggestions for `$user_id` in one round trip, over a bounded
// neighbourhood: {found, count, exact, rows}.
// Params: $user_id: int, $offset: int (clamped to 2^30: list indices are 32-bit), $limit: int,
// $friend_cap: int, $fanout: int.
// The bound: the user's $friend_cap most recent connections, and of each of those friends its
// $fanout most recent connections (both read in index order from schema/connection_order), so
// one call reads at most $friend_cap * $fanout relationships whatever the degrees involved.
// Within that neighbourhood the ranking is the analysts' (analytics/suggestions): mutual
// connections desc, then id asc; active users only; never the user, a connection or anyone with
// a pending request either way. `exact` is true when nothing was cut off (at most $friend_cap
// connections, each with at most $fanout): then count and ranking equal analytics/suggestions.
// count = how many suggestions the bounded neighbourhood yields; pages slice that one ranked
// list, so paging through yields exactly `count` users. found is false when no :User has the id.
// rows: {user, the three counters, connection_status} as in api/user_rows, viewer = the user.
OPTIONAL MATCH (u:User {id: $user_id})
CALL {
  WITH u
  WITH u WHERE u IS NOT NULL
  MATCH ()-[c:CONNECTED_TO]->(f)
  WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
  WITH u, c, f ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
  LIMIT $friend_cap
  CALL {
    WITH c
    MATCH ()-[d:CONNECTED_TO]->(s)
    WHERE d.owner = -c.neg_other AND d.created_at IS NOT NULL AND d.neg_other IS NOT NULL
    WITH d, s ORDER BY d.owner DESC, d.created_at DESC, d.neg_other DESC
    LIMIT $fanout
    RETURN s
  }
  WITH u, s, count(*) AS mutual_count
  // status is read once per distinct candidate, after aggregation, not once per path
  WHERE s <> u
    AND s.status = 'a'
    AND NOT EXISTS { (u)-[:CONNECTED_TO]->(s) }
    AND NOT EXISTS { (u)-[:CONNECTION_REQUEST]-(s) }
  WITH s ORDER BY mutual_count DESC, s.id ASC
  RETURN collect(s) AS ranked
}
WITH u, ranked,
     // CASE, not AND: never list a supernode's friends just to say "not exact"
     CASE
       WHEN u IS NULL OR COUNT { (u)-[:CONNECTED_TO]->() } > $friend_cap THEN false
       ELSE all(f IN [(u)-[:CONNECTED_TO]->(f) | f] WHERE COUNT { (f)-[:CONNECTED_TO]->() } <= $fanout)
     END AS exact
CALL {
  WITH u, ranked
  UNWIND range(0, size(ranked[$offset..$offset + $limit]) - 1) AS position
  WITH u, ranked[$offset + position] AS o, position
  ORDER BY position
  RETURN collect({
    user: o {.*},
    connections_counter: COUNT { (o)-[:CONNECTED_TO]->() },
    connection_requests_sent_counter: COUNT { (o)-[:CONNECTION_REQUEST]->() },
    connection_requests_received_counter:
      COUNT { (o)<-[r:CONNECTION_REQUEST]-() WHERE NOT coalesce(r.rejected, false) },
    connection_status: CASE
      WHEN EXISTS { (u)-[:CONNECTED_TO]->(o) } THEN 'connected'
      WHEN EXISTS { (u)-[:CONNECTION_REQUEST]->(o) } THEN 'sent_connection_request'
      WHEN EXISTS { (o)-[r:CONNECTION_REQUEST]->(u) WHERE NOT coalesce(r.rejected, false) }
        THEN 'received_connection_request'
    END
  }) AS rows
}
RETURN u IS NOT NULL AS found, size(ranked) AS count, exact, rows
