// How many active users `$user_id` is connected to: one row {found: bool, count: int}.
// found is false (count 0) when no active :User has that id. $user_id: int.
// Only users with status 'a' are listed, so only they are counted (see README, "blocked users").
OPTIONAL MATCH (u:User {id: $user_id})
WHERE u.status = 'a'
RETURN u IS NOT NULL AS found,
       CASE WHEN u IS NULL THEN 0
            ELSE COUNT { (u)-[:CONNECTED_TO]-(o) WHERE o.status = 'a' } END AS count
