// Totals for the import's before/after check; returns one row {users, connections, requests}.
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH ()-[c:CONNECTED_TO]->() RETURN count(c) AS connections }
CALL () { MATCH ()-[r:CONNECTION_REQUEST]->() RETURN count(r) AS requests }
RETURN users, connections, requests
