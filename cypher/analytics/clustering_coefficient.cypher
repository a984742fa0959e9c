// A user's local clustering coefficient: connected pairs among their connections / all pairs.
// 0.0 when the user has fewer than two connections (as networkx does).
// columns: coefficient
// param user: user -- whose coefficient
MATCH (u:User {id: $user})
WITH u, COUNT { (u)-[:CONNECTED_TO]-() } AS degree
CALL (u) {
  MATCH (u)-[:CONNECTED_TO]-(x:User)-[:CONNECTED_TO]-(y:User)-[:CONNECTED_TO]-(u)
  WHERE x.id < y.id
  RETURN count(*) AS triangles
}
RETURN CASE WHEN degree < 2 THEN 0.0
            ELSE 2.0 * triangles / (degree * (degree - 1)) END AS coefficient
