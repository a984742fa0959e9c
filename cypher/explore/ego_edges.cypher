// The connections among a drawn set of users, each once: rows {source, target}, source < target.
// Params: $ids: list of int (the drawn users, at most a few hundred), $max_edges: int.
// Bounded by the set, not by degrees: a user with at most size($ids) connections has them read
// and kept when the other end is in the set; a bigger one (a supernode) is checked by one index
// seek per other drawn user (schema/connection_pair), so no user costs more than size($ids)
// reads. At most $max_edges rows, in source, target order.
UNWIND $ids AS nid
MATCH (n:User {id: nid})
WITH n, COUNT { (n)-[:CONNECTED_TO]->() } AS degree
CALL (n, degree) {
  WITH n, degree WHERE degree <= size($ids)
  MATCH (n)-[c:CONNECTED_TO]->()
  WITH n, -c.neg_other AS other
  WHERE other IN $ids AND n.id < other
  RETURN other
  UNION
  WITH n, degree WHERE degree > size($ids)
  UNWIND $ids AS mid
  WITH n, mid WHERE n.id < mid
  MATCH ()-[x:CONNECTED_TO]->()
  USING INDEX SEEK x:CONNECTED_TO(owner, neg_other)
  WHERE x.owner = n.id AND x.neg_other = -mid
  RETURN mid AS other
}
WITH n.id AS source, other AS target
ORDER BY source, target
LIMIT $max_edges
RETURN source, target
