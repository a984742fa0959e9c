// The facts behind connection_status between $viewer_id and each of $ids, for the domain's
// classify(): per id that is a :User, {id, active, connected, sent, received}, where sent is
// the viewer's request to that user and received that user's request to the viewer, each a map
// of the request's properties {id, created_at, rejected, viewed} or null; changed_at is the
// pair's last applied change (lifecycle/log_change's PAIR_CHANGE) when $with_change, else null.
// Params: $viewer_id: int, $ids: list of int, $with_change: bool (a write's read; the statuses
// endpoint does not need it). Ids with no :User give no row.
MATCH (v:User {id: $viewer_id})
UNWIND $ids AS id
MATCH (o:User {id: id})
RETURN o.id AS id,
       coalesce(o.status = 'a', false) AS active,
       EXISTS { (v)-[:CONNECTED_TO]->(o) } AS connected,
       head([(v)-[r:CONNECTION_REQUEST]->(o) | r {.*}]) AS sent,
       head([(o)-[r:CONNECTION_REQUEST]->(v) | r {.*}]) AS received,
       CASE WHEN $with_change THEN head([(v)-[p:PAIR_CHANGE]-(o) | p.changed_at]) END
         AS changed_at
