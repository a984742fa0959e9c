// Size of a user's k-hop neighbourhood: one row per hop count 1..k, the user excluded.
// columns: k, size
// param user: user -- whose neighbourhood
// param k: int in 1..3 -- largest hop count
// Hop bounds cannot be parameters, so each k is its own breadth-first (pruning) expansion,
// skipped when k is beyond the one asked for; counting without a grouping key keeps 0 rows.
MATCH (u:User {id: $user})
CALL (u) {
  MATCH (u)-[:CONNECTED_TO]-(o:User)
  WITH count(DISTINCT o) AS size
  RETURN 1 AS k, size
  UNION ALL
  WITH u WHERE $k >= 2
  MATCH (u)-[:CONNECTED_TO*1..2]-(o:User)
  WHERE o <> u
  WITH count(DISTINCT o) AS size
  RETURN 2 AS k, size
  UNION ALL
  WITH u WHERE $k >= 3
  MATCH (u)-[:CONNECTED_TO*1..3]-(o:User)
  WHERE o <> u
  WITH count(DISTINCT o) AS size
  RETURN 3 AS k, size
}
WITH k, size WHERE k <= $k
RETURN k, size
ORDER BY k
