// Merge pending connection requests (from)-[:CONNECTION_REQUEST]->(to); returns nothing.
// $rows: list of {from_id: int, to_id: int, created_at: DATETIME or null}; both users exist and
// are not connected (checked before by ingest/connected_pairs). An absent created_at is set
// to now only ON CREATE.
UNWIND $rows AS row
MATCH (f:User {id: row.from_id})
MATCH (t:User {id: row.to_id})
MERGE (f)-[r:CONNECTION_REQUEST]->(t)
  ON CREATE SET r.created_at = coalesce(row.created_at, datetime())
  ON MATCH SET r.created_at = coalesce(row.created_at, r.created_at)
