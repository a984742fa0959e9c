// The n most connected users: degree (connections) descending, then id ascending.
// columns: id, username, degree
// param n: int = 10 in 1..10000 -- how many users
MATCH (u:User)
WITH u, COUNT { (u)-[:CONNECTED_TO]-() } AS degree
ORDER BY degree DESC, u.id ASC
LIMIT $n
RETURN u.id AS id, u.username AS username, degree
