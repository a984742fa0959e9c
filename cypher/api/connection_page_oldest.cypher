// The same ids as api/connection_page_newest, read from the oldest end of the index: used for
// pages in the older half of a long list, so no page skips more than half the entries.
// Params: $user_id: int, $skip: int (counted from the oldest), $limit: int.
// Returns rows {id} oldest first; the caller reverses them into page order.
MATCH ()-[c:CONNECTED_TO]->(o)
WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
WITH c ORDER BY c.owner ASC, c.created_at ASC, c.neg_other ASC
SKIP $skip LIMIT $limit
RETURN -c.neg_other AS id
