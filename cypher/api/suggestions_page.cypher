// One page of friend-of-friend suggestions for `$user_id` in one round trip, over a bounded
// neighbourhood: {found, count, rows}.
// Params: $user_id: int, $offset: int (clamped to 2^30: list indices are 32-bit), $limit: int,
// $friend_cap: int, $fanout: int, $seek_budget: int.
// The bound (README "The suggestion endpoint"): candidates are the users reached through the
// user's $friend_cap newest connections, taking each friend's $fanout newest connections (index
// order, schema/connection_order), so at most $friend_cap * $fanout paths are read whatever the
// degrees. Mutual counts: a friend with at most $fanout connections is expanded completely, so
// its paths count exactly; a bigger friend's is counted by one index seek per candidate
// (schema/connection_pair), biggest friends first, for as many big friends as $seek_budget /
// (bound on candidates) allows; any big friend beyond that counts through its sampled paths.
// Ranking as the analysts' (analytics/suggestions): mutual connections desc, then id asc; active
// users only; never the user, a connection or anyone with a pending request either way. A user
// with at most $friend_cap connections, each with at most $fanout, gets exactly that query's
// count and ranking. count = how many candidates the neighbourhood yields; pages slice that one
// ranked list, so paging through yields exactly `count` users. found is false when no :User
// has the id. rows: {user, the three counters, connection_status} as in api/user_rows.
// A user with a stored list (suggestions/store_list: the exact top K of the users above the
// precompute threshold, written by `connections suggestions refresh`) is served that list
// instead, filtered live: only users who still exist, are active, are not connected to the user
// and have no request with them either way, in the stored order (mutual counts as of the last
// refresh). Then count = how many stored entries pass that filter (at most K).
OPTIONAL MATCH (u:User {id: $user_id})
OPTIONAL MATCH (stored:SuggestionList {user_id: $user_id})
CALL {
  WITH u, stored
  // owner_id has a row only when the bounded read is wanted, and the seek below depends on
  // it: with a filter on `stored` instead, the planner ran the seek first (all 100k entries of
  // a supernode) and filtered afterwards
  UNWIND CASE WHEN u IS NOT NULL AND stored IS NULL THEN [u.id] ELSE [] END AS owner_id
  MATCH ()-[c:CONNECTED_TO]->(f)
  // a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
  USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
  WHERE c.owner = owner_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
  WITH u, c, f ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
  LIMIT $friend_cap
  WITH u, -c.neg_other AS friend_id, COUNT { (f)-[:CONNECTED_TO]->() } AS degree
  ORDER BY degree DESC
  WITH u, collect({id: friend_id, big: degree > $fanout}) AS friends,
       sum(CASE WHEN degree > $fanout THEN $fanout ELSE degree END) AS paths_bound
  // the biggest friends first (friends is sorted by degree), as many as the seek budget allows
  // for at most paths_bound candidates; their mutuals are counted by seeks, not paths
  // marked: u's own connections are read as exclusion marks (below), once per u
  WITH u, friends, COUNT { (u)-[:CONNECTED_TO]->() } <= $friend_cap AS marked,
       [x IN friends WHERE x.big | x.id][..toInteger($seek_budget / (paths_bound + 1))]
         AS checked
  CALL {
    // one row per sampled path u -> friend -> s; sid from the index entry, not a property read
    WITH friends, checked
    UNWIND range(0, size(friends) - 1) AS i
    WITH friends[i] AS friend, i < size(checked) AS seeked
    CALL {
      WITH friend
      MATCH ()-[d:CONNECTED_TO]->(s)
      USING INDEX SEEK d:CONNECTED_TO(owner, created_at, neg_other)
      WHERE d.owner = friend.id AND d.created_at IS NOT NULL AND d.neg_other IS NOT NULL
      WITH d, s ORDER BY d.owner DESC, d.created_at DESC, d.neg_other DESC
      LIMIT $fanout
      RETURN s, -d.neg_other AS sid
    }
    RETURN s, sid, CASE WHEN seeked THEN 0 ELSE 1 END AS path, 1 AS reached, 0 AS excluded
    UNION ALL
    // u's connections as exclusion marks (one pass over u's own relationships) when u has at
    // most $friend_cap; a bigger u is checked per candidate below, by index seek
    WITH u, marked
    WITH u WHERE marked
    MATCH (u)-[:CONNECTED_TO]->(s)
    RETURN s, null AS sid, 0 AS path, 0 AS reached, 1 AS excluded
    UNION ALL
    WITH u
    MATCH (u)-[:CONNECTION_REQUEST]-(s)
    RETURN s, null AS sid, 0 AS path, 0 AS reached, 1 AS excluded
  }
  WITH u, checked, marked, s, max(sid) AS sid, sum(path) AS paths, sum(reached) AS reached,
       max(excluded) AS excluded
  // status is read once per distinct candidate, after aggregation, not once per path
  WHERE reached > 0 AND excluded = 0 AND s <> u AND s.status = 'a'
  WITH u, checked, s, sid, paths, marked
  WHERE CASE
    WHEN marked THEN true
    // schema/connection_pair: one seek, not a walk over the candidate's relationships
    ELSE NOT EXISTS {
      MATCH ()-[x:CONNECTED_TO]->()
      USING INDEX SEEK x:CONNECTED_TO(owner, neg_other)
      WHERE x.owner = $user_id AND x.neg_other = -sid
    }
  END
  WITH s, sid, paths + CASE
    WHEN size(checked) = 0 THEN 0
    ELSE COUNT {
      UNWIND checked AS big_id
      MATCH ()-[x:CONNECTED_TO]->()
      USING INDEX SEEK x:CONNECTED_TO(owner, neg_other)
      WHERE x.owner = big_id AND x.neg_other = -sid
      RETURN x
    }
  END AS mutual_count
  ORDER BY mutual_count DESC, sid ASC
  RETURN collect(s) AS bounded
}
CALL {
  WITH u, stored
  WITH u, stored WHERE u IS NOT NULL AND stored IS NOT NULL
  UNWIND range(0, size(stored.ids) - 1) AS rank
  MATCH (s:User {id: stored.ids[rank]})
  WHERE s.status = 'a' AND s <> u
    // schema/connection_pair: one seek, not a walk over a supernode's relationships
    AND NOT EXISTS {
      MATCH ()-[x:CONNECTED_TO]->()
      USING INDEX SEEK x:CONNECTED_TO(owner, neg_other)
      WHERE x.owner = $user_id AND x.neg_other = -s.id
    }
    AND NOT EXISTS { (u)-[:CONNECTION_REQUEST]-(s) }
  WITH s ORDER BY rank
  RETURN collect(s) AS precomputed
}
WITH u, CASE WHEN stored IS NULL THEN bounded ELSE precomputed END AS ranked
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
      COUNT { (o)<-[r:CONNECTION_REQUEST]-() WHERE r.rejected IS NULL },
    connection_status: CASE
      WHEN EXISTS { (u)-[:CONNECTED_TO]->(o) } THEN 'connected'
      WHEN EXISTS { (o)-[r:CONNECTION_REQUEST]->(u) WHERE r.rejected IS NULL }
        THEN 'received_connection_request'
      WHEN EXISTS { (o)-[:CONNECTION_REQUEST]->(u) } THEN null
      WHEN EXISTS { (u)-[:CONNECTION_REQUEST]->(o) } THEN 'sent_connection_request'
    END
  }) AS rows
}
RETURN u IS NOT NULL AS found, size(ranked) AS count, rows
