// A user to show in examples: the active user with the fewest connections among those with at
// least $min_degree (ties by id); returns at most one row {id, degree}.
MATCH (u:User {status: 'a'})
WITH u, COUNT { (u)-[:CONNECTED_TO]->() } AS degree
WHERE degree >= $min_degree
RETURN u.id AS id, degree
ORDER BY degree, id
LIMIT 1
