// Load tests: the most connected approved users (supernodes).
// Params: $n (int). Returns id, degree, highest degree first.
MATCH (u:User)
WHERE u.status = 'a'
WITH u, COUNT { (u)-[:CONNECTED_TO]->() } AS degree
ORDER BY degree DESC, u.id ASC
LIMIT $n
RETURN u.id AS id, degree
