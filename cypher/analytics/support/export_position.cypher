// The snapshot's position and totals, read first in the export's transaction: one row
// {event_id (the event log's last id, 0 before the first event), users, connections, requests}.
CALL () { OPTIONAL MATCH (log:EventLog {name: 'events'}) RETURN coalesce(log.last_id, 0) AS event_id }
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH ()-[c:CONNECTED_TO]->() RETURN count(c) / 2 AS connections }
CALL () { MATCH ()-[r:CONNECTION_REQUEST]->() RETURN count(r) AS requests }
RETURN event_id, users, connections, requests
