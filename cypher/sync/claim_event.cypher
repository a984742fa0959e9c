// Claims a received webhook event by id inside the transaction that will apply it and, when this
// transaction is the first to see it, upserts the event's users and reads their pair, so a
// connection event needs one round trip before its effects. The MERGE locks the id, so two
// deliveries of one event racing each other apply it once.
// Users: created or write-locked in the order given (the caller sorts them: lower id first, the
// lifecycle's lock order), then updated unless they already reflect a later event (`synced_at` =
// `created` of the last event applied to them); counters are never stored. A user this event
// creates gets every field (`create_props`: defaults included); an update sets only `props`, the
// fields the payload carried, so `is_staff` and omitted fields keep their stored values.
// Pair: the same facts as lifecycle/pair_states as $from_id sees $to_id, plus the pair's last
// applied change (lifecycle/read_pair_change); null/false when either id is null.
// Params: $event_id, $type, $created (Unix seconds), $now (Unix seconds), $users (list of
//         {id, props, create_props, date_joined} as domain.users.event_user makes them; may
//         be empty),
//         $from_id, $to_id (int or null).
// Returns one row: fresh (true when this transaction created the record, so it should apply the
// event; nothing else is written or read otherwise), upserted (ids of the users updated),
// changed_at (DATETIME or null), connected, sent, received (request maps or null).
MERGE (r:ReceivedEvent {event_id: $event_id})
  ON CREATE SET r.type = $type, r.created = $created, r.received_at = $now, r.outcome = 'claimed'
WITH r.outcome = 'claimed' AS fresh
CALL (fresh) {
  UNWIND CASE WHEN fresh THEN $users ELSE [] END AS row
  MERGE (u:User {id: row.id})
    ON CREATE SET u += coalesce(row.create_props, {}),
                u.date_joined = coalesce(row.date_joined, datetime())
  SET u._lock = true
  REMOVE u._lock
  WITH u, row, coalesce(u.synced_at, -1.0) < $created AS newer
  CALL (u, row, newer) {
    WITH u WHERE newer
    SET u += row.props, u.date_joined = coalesce(row.date_joined, u.date_joined),
        u.synced_at = $created
  }
  RETURN collect(CASE WHEN newer THEN u.id END) AS upserted
}
OPTIONAL MATCH (f:User {id: $from_id}) WHERE fresh
OPTIONAL MATCH (t:User {id: $to_id}) WHERE fresh
RETURN fresh, upserted,
       head([(f)-[p:PAIR_CHANGE]-(t) | p.changed_at]) AS changed_at,
       EXISTS { (f)-[:CONNECTED_TO]->(t) } AS connected,
       head([(f)-[q:CONNECTION_REQUEST]->(t) | q {.*}]) AS sent,
       head([(t)-[q:CONNECTION_REQUEST]->(f) | q {.*}]) AS received
