// Degrees of separation: one shortest path from a to b (ids); no row when farther than max_depth.
// columns: length, path
// param a: user -- where the path starts
// param b: user -- where the path ends
// param max_depth: int = 6 in 1..6 -- longest path to look for (hops)
// Variable-length bounds cannot be parameters, so the search is capped at 6 hops here and
// max_depth only filters the one shortest path found; raising the cap means editing this file.
MATCH (a:User {id: $a}), (b:User {id: $b})
CALL (a, b) {
  // shortestPath refuses a == b, so that case is answered without it: length 0.
  WITH a, b WHERE a = b
  RETURN 0 AS length, [a.id] AS path
  UNION ALL
  WITH a, b WHERE a <> b
  MATCH p = shortestPath((a)-[:CONNECTED_TO*..6]-(b))
  WITH p WHERE length(p) <= $max_depth
  RETURN length(p) AS length, [n IN nodes(p) | n.id] AS path
}
RETURN length, path
