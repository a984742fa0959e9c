// How many users `$user_id` is connected to: one row {found: bool, count: int}.
// found is false (count 0) when no active :User has that id. $user_id: int.
// Every connection is listed whatever the other user's status (see README, "blocked users"),
// so the count is the degree store's out-degree: O(1) even for a 100k-connection user, and
// always equal to that user's connections_counter.
OPTIONAL MATCH (u:User {id: $user_id})
WHERE u.status = 'a'
RETURN u IS NOT NULL AS found,
       CASE WHEN u IS NULL THEN 0 ELSE COUNT { (u)-[:CONNECTED_TO]->() } END AS count
