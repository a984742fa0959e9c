// Merge mutual connections. Each is stored as two CONNECTED_TO relationships, one per direction,
// created together: (a)->(b) owned by a and (b)->(a) owned by b, each with `owner` and
// `neg_other` (see schema/connection_order). $rows: list of {a: int, b: int, created_at: DATETIME
// or null} with a < b; both users exist. An absent created_at is set to now only ON CREATE, so
// re-imports change nothing. Returns nothing.
UNWIND $rows AS row
MATCH (a:User {id: row.a})
MATCH (b:User {id: row.b})
MERGE (a)-[ab:CONNECTED_TO]->(b)
  ON CREATE SET ab.created_at = coalesce(row.created_at, datetime()),
                ab.owner = a.id, ab.neg_other = -b.id
  ON MATCH SET ab.created_at = coalesce(row.created_at, ab.created_at)
MERGE (b)-[ba:CONNECTED_TO]->(a)
  ON CREATE SET ba.owner = b.id, ba.neg_other = -a.id
SET ba.created_at = ab.created_at
