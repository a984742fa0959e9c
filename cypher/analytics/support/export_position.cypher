// The snapshot's position and totals, read first in the export's transaction: one row
// {event_id (the event log's last id, 0 before the first event), users, connections, requests,
// max_node_id, max_relationship_id (the highest internal ids in use, -1 when none: the chunked
// scans of analytics/scan.py stop there)}. The counts come from the count store; the two maxima
// are one pass over the ids (~2 s at 1M users / 20M relationships).
CALL () { OPTIONAL MATCH (log:EventLog {name: 'events'}) RETURN coalesce(log.last_id, 0) AS event_id }
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH ()-[c:CONNECTED_TO]->() RETURN count(c) / 2 AS connections }
CALL () { MATCH ()-[r:CONNECTION_REQUEST]->() RETURN count(r) AS requests }
CALL () { MATCH (n) RETURN coalesce(max(id(n)), -1) AS max_node_id }
CALL () { MATCH ()-[r]->() RETURN coalesce(max(id(r)), -1) AS max_relationship_id }
RETURN event_id, users, connections, requests, max_node_id, max_relationship_id
