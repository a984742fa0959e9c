// One page of the requests $user_id sent (rejected ones included), newest first, ties by the
// receiver's id ascending. Params: $user_id, $skip, $limit: int.
// Returns rows {id, from_id, to_id, created, rejected, viewed} (id as in received_requests_page).
MATCH (u:User {id: $user_id})-[r:CONNECTION_REQUEST]->(o:User)
WITH r, o, u ORDER BY r.created_at DESC, o.id ASC
SKIP $skip LIMIT $limit
RETURN r.id AS id, u.id AS from_id, o.id AS to_id, r.created_at AS created,
       r.rejected AS rejected, r.viewed AS viewed
