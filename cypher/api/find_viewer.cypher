// The requesting user, if active: one row {is_staff: bool} or no row.
// $user_id: int, the token's user_id.
MATCH (u:User {id: $user_id})
WHERE u.status = 'a'
RETURN coalesce(u.is_staff, false) AS is_staff
