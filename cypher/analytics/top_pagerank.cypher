// The n users with the highest PageRank (stored by `connections analyze pagerank --write`).
// Ties by id ascending; users without a stored value are left out.
// columns: id, username, pagerank
// param n: int = 20 in 1..10000 -- how many users
MATCH (u:User)
WHERE u.pagerank IS NOT NULL
WITH u ORDER BY u.pagerank DESC, u.id ASC LIMIT $n
RETURN u.id AS id, u.username AS username, u.pagerank AS pagerank
