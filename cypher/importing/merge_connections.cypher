// Merge mutual connections, one CONNECTED_TO per pair from the lower id to the higher id;
// returns nothing. $rows: list of {a: int, b: int, created_at: DATETIME or null} with a < b;
// both users exist. An absent created_at is set to now only ON CREATE, so re-imports change
// nothing. Run importing/delete_superseded_requests in the same transaction.
UNWIND $rows AS row
MATCH (a:User {id: row.a})
MATCH (b:User {id: row.b})
MERGE (a)-[c:CONNECTED_TO]->(b)
  ON CREATE SET c.created_at = coalesce(row.created_at, datetime())
  ON MATCH SET c.created_at = coalesce(row.created_at, c.created_at)
