// Benchmarks: active users whose id is a multiple of $every, with their degrees (deterministic).
// Params: $every (int). Returns id, degree.
MATCH (u:User)
WHERE u.status = 'a' AND u.id % $every = 0
RETURN u.id AS id, COUNT { (u)-[:CONNECTED_TO]->() } AS degree
