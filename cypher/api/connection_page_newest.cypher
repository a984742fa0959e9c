// The ids on one page of `$user_id`'s connections, newest connection first, ties by user id
// ascending, read in index order from the newest end (schema/connection_order): no sort, and
// SKIP walks index entries only. Params: $user_id: int, $skip: int, $limit: int.
// Returns rows {id} in page order.
MATCH ()-[c:CONNECTED_TO]->(o)
WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
WITH c ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
SKIP $skip LIMIT $limit
RETURN -c.neg_other AS id
