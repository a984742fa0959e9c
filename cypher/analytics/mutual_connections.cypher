// Mutual connections of two users: everyone connected to both a and b, by id.
// columns: id, username
// param a: user -- one user's id
// param b: user -- the other user's id
MATCH (a:User {id: $a}), (b:User {id: $b})
MATCH (a)-[:CONNECTED_TO]-(m:User)
WHERE EXISTS { (m)-[:CONNECTED_TO]-(b) }
RETURN m.id AS id, m.username AS username
ORDER BY id
