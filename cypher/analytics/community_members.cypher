// A user's community (stored by `connections analyze communities --write`): its id, its size
// and one page of its members in id order.
// columns: community_id, community_size, id, username
// param user: user as $user_id -- the user whose community to list
// param limit: int = 100 in 1..10000 -- members per page
// param offset: int = 0 in 0.. -- members to skip
MATCH (me:User {id: $user_id})
WHERE me.community_id IS NOT NULL
CALL (me) {
  MATCH (m:User {community_id: me.community_id})
  RETURN count(m) AS community_size
}
CALL (me) {
  MATCH (m:User {community_id: me.community_id})
  RETURN m ORDER BY m.id SKIP $offset LIMIT $limit
}
RETURN me.community_id AS community_id, community_size, m.id AS id, m.username AS username
