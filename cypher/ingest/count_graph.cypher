// Totals for the import's before/after check; returns one row {users, connections, requests}.
// A connection is two CONNECTED_TO relationships (one per direction), always written together,
// so connections = relationships / 2 (a count from the store's counts, no scan).
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH ()-[c:CONNECTED_TO]->() RETURN count(c) / 2 AS connections }
CALL () { MATCH ()-[r:CONNECTION_REQUEST]->() RETURN count(r) AS requests }
RETURN users, connections, requests
