// Triangles around a user: pairs of the user's connections that are connected to each other.
// columns: triangles
// param user: user -- whose triangles
MATCH (u:User {id: $user})
CALL (u) {
  MATCH (u)-[:CONNECTED_TO]-(x:User)-[:CONNECTED_TO]-(y:User)-[:CONNECTED_TO]-(u)
  WHERE x.id < y.id
  RETURN count(*) AS triangles
}
RETURN triangles
