// Append $events to the log, in order, with the next gap-free ids (1, 2, ...), and remember
// $now (and the last appended id) as the pair's last applied change: one PAIR_CHANGE
// relationship from the lower id to the higher, kept after the connection or request is gone
// (see lifecycle/read_pair_change). The log node's lock is taken by the SET (a direct
// dependency, so Cypher locks before it reads last_id) and held to commit, so ids are handed
// out in commit order and a rolled-back change leaves no gap; with no events the log is not
// touched (nor locked). Run it last in the transaction: every change waits for that lock.
// Params: $events (list of {type, from_user_id, to_user_id}; may be empty), $low_id, $high_id:
//         int (low < high, both users locked already), $now: DATETIME.
// Returns one row {event_ids} (the appended ids, in order).
CALL () {
  WITH $events AS events WHERE size(events) > 0
  MERGE (log:EventLog {name: 'events'})
    ON CREATE SET log.last_id = 0
  SET log.last_id = log.last_id + size(events)
  WITH events, log.last_id - size(events) AS base
  UNWIND range(0, size(events) - 1) AS i
  CREATE (e:Event {id: base + i + 1, type: events[i].type, created: $now,
                   from_user_id: events[i].from_user_id, to_user_id: events[i].to_user_id})
  RETURN collect(e.id) AS event_ids
}
MATCH (a:User {id: $low_id}), (b:User {id: $high_id})
MERGE (a)-[p:PAIR_CHANGE]->(b)
SET p.changed_at = $now, p.event_id = event_ids[-1]
RETURN event_ids
