// Append one event to the log with the next gap-free id (1, 2, ...): the log node's lock is
// taken by the SET (a direct dependency, so Cypher locks before it reads last_id) and held to
// commit, so ids are handed out in commit order and a rolled-back change leaves no gap.
// Params: $type: str, $from_user_id, $to_user_id: int, $now: DATETIME. Returns {event_id}.
MERGE (log:EventLog {name: 'events'})
  ON CREATE SET log.last_id = 0
SET log.last_id = log.last_id + 1
CREATE (e:Event {id: log.last_id, type: $type, created: $now,
                 from_user_id: $from_user_id, to_user_id: $to_user_id})
RETURN e.id AS event_id
