// The connections owned by users $low..$high (ids, inclusive), each pair once (user_id <
// other_id), as three parallel columns: user_id, other_id, created_at (epoch microseconds).
// Columns, not rows: the exporter hands them to Arrow as they are (no per-row Python objects).
// Read from the relationships alone (owner, neg_other: see schema/connection_order).
// Params: $low: int, $high: int.
MATCH ()-[c:CONNECTED_TO]->()
WHERE c.owner >= $low AND c.owner <= $high AND c.owner < -c.neg_other
RETURN collect(c.owner) AS user_id, collect(-c.neg_other) AS other_id,
       collect(c.created_at.epochSeconds * 1000000 + c.created_at.microsecond) AS created_at
