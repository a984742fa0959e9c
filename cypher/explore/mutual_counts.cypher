// How many connections $user_id shares with each of $ids: rows {id, mutual}, one per id that is
// a :User (in no particular order).
// Params: $user_id: int, $ids: list of int (a page of suggestions: at most 100).
// Per id, the smaller of the two lists is read and checked against the other by index seeks
// (schema/connection_pair), so a supernode on either side costs the other's degree.
MATCH (u:User {id: $user_id})
UNWIND $ids AS sid
MATCH (s:User {id: sid})
WITH u, s, CASE
  WHEN COUNT { (u)-[:CONNECTED_TO]->() } <= COUNT { (s)-[:CONNECTED_TO]->() } THEN [u, s]
  ELSE [s, u]
END AS pair
WITH s, pair[0] AS small, pair[1].id AS big_id
RETURN s.id AS id, COUNT {
  MATCH (small)-[c:CONNECTED_TO]->()
  WHERE EXISTS {
    MATCH ()-[x:CONNECTED_TO]->()
    USING INDEX SEEK x:CONNECTED_TO(owner, neg_other)
    WHERE x.owner = big_id AND x.neg_other = c.neg_other
  }
} AS mutual
