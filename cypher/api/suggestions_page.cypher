// One page of friend-of-friend suggestions for `$user_id` in one round trip, over a bounded
// neighbourhood: {found, count, rows}.
// Params: $user_id: int, $offset: int (clamped to 2^30: list indices are 32-bit), $limit: int,
// $friend_cap: int, $fanout: int.
// The bound: the user's $friend_cap most recent connections, and of each of those friends its
// $fanout most recent connections (both read in index order from schema/connection_order), so
// one call reads at most $friend_cap * $fanout relationships whatever the degrees involved.
// Within that neighbourhood the ranking is the analysts' (analytics/suggestions): mutual
// connections desc, then id asc; active users only; never the user, a connection or anyone with
// a pending request either way. Nothing is cut off for a user with at most $friend_cap
// connections each having at most $fanout: then count and ranking equal analytics/suggestions.
// count = how many suggestions the bounded neighbourhood yields; pages slice that one ranked
// list, so paging through yields exactly `count` users. found is false when no :User has the id.
// rows: {user, the three counters, connection_status} as in api/user_rows, viewer = the user.
OPTIONAL MATCH (u:User {id: $user_id})
CALL {
  WITH u
  WITH u WHERE u IS NOT NULL
  CALL {
    // one row per bounded path u -> f -> s
    WITH u
    MATCH ()-[c:CONNECTED_TO]->()
    // a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
    USING INDEX c:CONNECTED_TO(owner, created_at, neg_other)
    WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
    WITH c ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
    LIMIT $friend_cap
    CALL {
      WITH c
      MATCH ()-[d:CONNECTED_TO]->(s)
      // a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
      USING INDEX d:CONNECTED_TO(owner, created_at, neg_other)
      WHERE d.owner = -c.neg_other AND d.created_at IS NOT NULL AND d.neg_other IS NOT NULL
      WITH d, s ORDER BY d.owner DESC, d.created_at DESC, d.neg_other DESC
      LIMIT $fanout
      RETURN s
    }
    RETURN s, 1 AS path, 0 AS excluded
    UNION ALL
    // u's connections as exclusion marks (one pass over u's own relationships) when u has at
    // most $friend_cap; a bigger u is checked per candidate below, by index seek
    WITH u
    WITH u WHERE COUNT { (u)-[:CONNECTED_TO]->() } <= $friend_cap
    MATCH (u)-[:CONNECTED_TO]->(s)
    RETURN s, 0 AS path, 1 AS excluded
    UNION ALL
    WITH u
    MATCH (u)-[:CONNECTION_REQUEST]-(s)
    RETURN s, 0 AS path, 1 AS excluded
  }
  WITH u, s, sum(path) AS mutual_count, max(excluded) AS excluded
  // status is read once per distinct candidate, after aggregation, not once per path
  WHERE mutual_count > 0 AND excluded = 0 AND s <> u AND s.status = 'a'
  WITH u, s, mutual_count, COUNT { (u)-[:CONNECTED_TO]->() } <= $friend_cap AS marked
  WHERE CASE
    WHEN marked THEN true
    // schema/connection_pair: one seek, not a walk over the candidate's relationships
    ELSE NOT EXISTS {
      MATCH ()-[x:CONNECTED_TO]->()
      USING INDEX x:CONNECTED_TO(owner, neg_other)
      WHERE x.owner = $user_id AND x.neg_other = -s.id
    }
  END
  WITH s ORDER BY mutual_count DESC, s.id ASC
  RETURN collect(s) AS ranked
}
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
RETURN u IS NOT NULL AS found, size(ranked) AS count, rows
