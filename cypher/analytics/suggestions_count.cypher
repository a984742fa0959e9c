// How many friend-of-friend suggestions (active users only) a user has in all; same rules as
// `suggestions`.
// columns: total
// param user: user as $user_id -- the user to count suggestions for
MATCH (u:User {id: $user_id})-[:CONNECTED_TO]->(:User)-[:CONNECTED_TO]->(s:User)
WHERE s <> u
WITH DISTINCT u, s
// status is read once per distinct candidate, after aggregation, not once per path
WHERE s.status = 'a'
  AND NOT EXISTS { (u)-[:CONNECTED_TO]->(s) }
  AND NOT EXISTS { (u)-[:CONNECTION_REQUEST]-(s) }
RETURN count(s) AS total
