// Restore connection requests from an export, pending and rejected, as they were: sets
// created_at and rejected (null while pending) on (from)-[:CONNECTION_REQUEST]->(to); returns
// nothing. $rows: list of {from_id: int, to_id: int, created_at: DATETIME, rejected: DATETIME
// or null}; both users exist (the export's own users).
UNWIND $rows AS row
MATCH (f:User {id: row.from_id})
MATCH (t:User {id: row.to_id})
MERGE (f)-[r:CONNECTION_REQUEST]->(t)
SET r.created_at = row.created_at, r.rejected = row.rejected
