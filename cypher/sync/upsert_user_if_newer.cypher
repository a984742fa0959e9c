// Creates or updates a user from a webhook's User object unless the user already reflects a
// later event (`synced_at` = `created` of the last event applied to it); counters are never
// stored. Params: $row ({id, props, date_joined} as domain.users.stored_user makes it),
// $created (Unix seconds). Returns: applied (bool).
MERGE (u:User {id: $row.id})
  ON CREATE SET u.date_joined = coalesce($row.date_joined, datetime())
WITH u, coalesce(u.synced_at, -1.0) < $created AS newer
CALL (u, newer) {
  WITH u WHERE newer
  SET u += $row.props, u.date_joined = coalesce($row.date_joined, u.date_joined),
      u.synced_at = $created
}
RETURN newer AS applied
