// One page of $user_id's received pending requests (rejected ones excluded), newest first,
// ties by the sender's id ascending. Params: $user_id, $skip, $limit: int.
// Returns rows {id, from_id, to_id, created, rejected, viewed}; id is null for an imported
// request not numbered yet (the caller numbers them, lifecycle/assign_user_request_ids).
MATCH (o:User)-[r:CONNECTION_REQUEST]->(u:User {id: $user_id})
WHERE r.rejected IS NULL
WITH r, o, u ORDER BY r.created_at DESC, o.id ASC
SKIP $skip LIMIT $limit
RETURN r.id AS id, o.id AS from_id, u.id AS to_id, r.created_at AS created,
       r.rejected AS rejected, r.viewed AS viewed
