// `user.deleted`: the user's status becomes `d` (their connections stay, listed with status d)
// unless the user already reflects a later event. Unknown users are created as deleted, so a
// late `user.created` cannot bring them back. Params: $user_id, $username, $created.
// Returns: applied (bool).
MERGE (u:User {id: $user_id})
  ON CREATE SET u.username = $username, u.date_joined = datetime()
WITH u, coalesce(u.synced_at, -1.0) < $created AS newer
CALL (u, newer) {
  WITH u WHERE newer
  SET u.status = 'd', u.synced_at = $created
}
RETURN newer AS applied
