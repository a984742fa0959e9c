// The connections among the relationships of internal ids $low..$high (inclusive;
// analytics/scan.py), each pair once (its direction with user_id < other_id), as three
// parallel columns: user_id, other_id, created_at (epoch microseconds). Columns, not rows: the
// exporter hands them to Arrow as they are. Read from the relationship alone (owner,
// neg_other: see schema/connection_order). One query per type: a single pass over both types
// with CASE columns costs 3x (its properties are read once per column, not cached).
// Params: $low: int, $high: int.
MATCH ()-[c:CONNECTED_TO]->()
WHERE id(c) IN range($low, $high) AND c.owner < -c.neg_other
RETURN collect(c.owner) AS user_id, collect(-c.neg_other) AS other_id,
       collect(c.created_at.epochSeconds * 1000000 + c.created_at.microsecond) AS created_at
