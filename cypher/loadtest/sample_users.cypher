// Load tests: a random sample of approved users with their degrees.
// Params: $n (int) sample size. Returns id, degree.
MATCH (u:User)
WHERE u.status = 'a'
WITH u, rand() AS r
ORDER BY r
LIMIT $n
RETURN u.id AS id, COUNT { (u)-[:CONNECTED_TO]->() } AS degree
