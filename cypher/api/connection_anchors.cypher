// Every $every-th key of `$user_id`'s connection list, newest first, for deep pages of big
// users (Graph.list_user_connections keeps them per worker). Params: $user_id: int, $every: int.
// One row {count, newest, anchors}: count = the degree store's count; newest = [created_at (text),
// neg_other] of the first entry (null when empty); anchors = list of [created_at, neg_other] at
// positions 0, $every, 2 * $every, ... One full index range scan: built once, reused many times.
MATCH ()-[c:CONNECTED_TO]->()
// a hint: schema/connection_pair also matches `owner =`, but only this index gives the order
USING INDEX SEEK c:CONNECTED_TO(owner, created_at, neg_other)
WHERE c.owner = $user_id AND c.created_at IS NOT NULL AND c.neg_other IS NOT NULL
WITH c ORDER BY c.owner DESC, c.created_at DESC, c.neg_other DESC
// created_at as text: a DATETIME that goes through the driver and back can change its zone form
// (UTC vs Z), and Cypher orders equal instants by zone, so the text is what round-trips exactly.
// Properties are read for the anchors only, not for every entry.
WITH collect(c) AS list
RETURN size(list) AS count,
       CASE WHEN size(list) > 0 THEN [toString(list[0].created_at), list[0].neg_other] END
         AS newest,
       [i IN range(0, size(list) - 1, $every) | [toString(list[i].created_at), list[i].neg_other]]
         AS anchors
