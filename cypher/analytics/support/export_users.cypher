// The users among the nodes of internal ids $low..$high (inclusive; analytics/scan.py), as one
// list of rows in the export's column order (snapshot.USERS_SCHEMA): the stored User fields
// (date_joined as epoch microseconds, date_of_birth as an ISO date, ext_id as text), tags as
// stored (JSON), is_staff. Rows, not columns: a row keeps its nulls (collect() drops them).
// Params: $low: int, $high: int.
MATCH (u:User)
WHERE id(u) IN range($low, $high)
RETURN collect([
  u.id, u.username, u.real_name, u.email, u.email_isvalid, u.bio, u.location,
  u.location_lat_lng, u.position_lat_lng, toString(u.date_of_birth), u.description, u.gender,
  u.status, u.website, u.avatar, u.cover, toString(u.ext_id), u.reputation, u.posts_counter,
  u.discussions_counter, u.statuses_counter, u.polls_counter, u.tags_json,
  coalesce(u.is_staff, false),
  u.date_joined.epochSeconds * 1000000 + u.date_joined.microsecond
]) AS rows
