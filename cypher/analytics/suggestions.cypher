// Friend-of-friend suggestions for a user, ranked by mutual connections (desc), then id (asc).
// Suggests only active users (status 'a'); excludes the user, their connections and pending
// requests in either direction.
// Also used by the suggestion endpoint (Graph.suggest_users), which pages with $skip/$limit.
// columns: id, mutual_count
// param user: user as $user_id -- the user to suggest connections for
// param limit: int = 20 in 1..10000 -- how many suggestions
// param skip: int = 0 in 0..1000000000000 -- how many top suggestions to skip (paging)
MATCH (u:User {id: $user_id})-[:CONNECTED_TO]->(f:User)-[:CONNECTED_TO]->(s:User)
WHERE s <> u
WITH u, s, count(DISTINCT f) AS mutual_count
// status is read once per distinct candidate, after aggregation, not once per path
WHERE s.status = 'a'
  AND NOT EXISTS { (u)-[:CONNECTED_TO]->(s) }
  AND NOT EXISTS { (u)-[:CONNECTION_REQUEST]-(s) }
RETURN s.id AS id, mutual_count
ORDER BY mutual_count DESC, id ASC
SKIP $skip
LIMIT $limit
