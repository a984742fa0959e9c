// The connections owned by users $low..$high (ids, inclusive), each pair once (user_id <
// other_id), as one list of [user_id, other_id, created_at (epoch microseconds)] rows.
// Read from the relationships alone (owner, neg_other: see schema/connection_order).
// Params: $low: int, $high: int.
MATCH ()-[c:CONNECTED_TO]->()
WHERE c.owner >= $low AND c.owner <= $high AND c.owner < -c.neg_other
RETURN collect([c.owner, -c.neg_other,
                c.created_at.epochSeconds * 1000000 + c.created_at.microsecond]) AS rows
