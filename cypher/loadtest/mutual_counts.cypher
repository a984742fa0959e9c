// Benchmarks: how many connections `$user_id` shares with each of `$ids` (exact, for recall).
// Params: $user_id (int), $ids (list of int). Returns id, mutual_count (ids with none are left out).
MATCH (s:User)
WHERE s.id IN $ids
MATCH (u:User {id: $user_id})-[:CONNECTED_TO]->(f)-[:CONNECTED_TO]->(s)
RETURN s.id AS id, count(f) AS mutual_count
