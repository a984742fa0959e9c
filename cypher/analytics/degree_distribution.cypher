// Degree distribution: how many users have each number of connections (degree 0 included).
// columns: degree, users
// plot: degree, users
MATCH (u:User)
WITH COUNT { (u)-[:CONNECTED_TO]-() } AS degree
RETURN degree, count(*) AS users
ORDER BY degree
