// One shortest path of connections between two active users, at most 6 hops:
// {found_a, found_b, path}.
// Params: $a: int, $b: int (user ids).
// - found_a / found_b: whether an active :User has that id (the caller answers 404 otherwise).
// - path: the users along the path from a to b, each {id, username, real_name, avatar, status,
//   connections_counter, pagerank, community_id}; [a] when a = b; null when b is more than 6
//   hops away (variable-length bounds cannot be parameters: the cap is written here).
OPTIONAL MATCH (a:User {id: $a})
WHERE a.status = 'a'
OPTIONAL MATCH (b:User {id: $b})
WHERE b.status = 'a'
OPTIONAL CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
  MATCH p = shortestPath((a)-[:CONNECTED_TO*..6]->(b))
  RETURN nodes(p) AS found
}
WITH a, b, CASE
  WHEN a IS NULL OR b IS NULL THEN null
  WHEN a = b THEN [a]
  ELSE found
END AS users
CALL (users) {
  UNWIND coalesce(users, []) AS n
  RETURN collect({
    id: n.id, username: n.username, real_name: n.real_name, avatar: n.avatar,
    status: n.status, connections_counter: COUNT { (n)-[:CONNECTED_TO]->() },
    pagerank: n.pagerank, community_id: n.community_id
  }) AS path
}
RETURN a IS NOT NULL AS found_a, b IS NOT NULL AS found_b,
       CASE WHEN users IS NULL THEN null ELSE path END AS path
