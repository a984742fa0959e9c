// The users connected to both $a and $b (active users a and b), by id, paged:
// {found_a, found_b, count, rows}.
// Params: $a: int, $b: int, $offset: int (clamped to 2^30 by the caller), $limit: int.
// The smaller of the two lists is read and each entry checked against the bigger one by one
// index seek (schema/connection_pair): cost min(degree a, degree b) seeks. count comes from the
// same read as the page. Each row is {id, username, real_name, avatar, status,
// connections_counter, pagerank, community_id}: never an email.
OPTIONAL MATCH (a:User {id: $a})
WHERE a.status = 'a'
OPTIONAL MATCH (b:User {id: $b})
WHERE b.status = 'a'
CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  WITH CASE
    WHEN COUNT { (a)-[:CONNECTED_TO]->() } <= COUNT { (b)-[:CONNECTED_TO]->() } THEN [a, b]
    ELSE [b, a]
  END AS pair
  WITH pair[0] AS small, pair[1].id AS big_id
  MATCH (small)-[c:CONNECTED_TO]->(m)
  WHERE EXISTS {
    MATCH ()-[x:CONNECTED_TO]->()
    USING INDEX SEEK x:CONNECTED_TO(owner, neg_other)
    WHERE x.owner = big_id AND x.neg_other = c.neg_other
  }
  WITH m ORDER BY m.id
  RETURN collect(m) AS mutual
}
CALL (mutual) {
  UNWIND mutual[$offset..$offset + $limit] AS n
  RETURN collect({
    id: n.id, username: n.username, real_name: n.real_name, avatar: n.avatar,
    status: n.status, connections_counter: COUNT { (n)-[:CONNECTED_TO]->() },
    pagerank: n.pagerank, community_id: n.community_id
  }) AS rows
}
RETURN a IS NOT NULL AS found_a, b IS NOT NULL AS found_b, size(mutual) AS count, rows
