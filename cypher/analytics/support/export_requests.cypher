// The connection requests sent by users $low..$high (ids, inclusive), pending and rejected, as
// one list of [from_id, to_id, created_at, rejected] rows (epoch microseconds; rejected is null
// while pending). Params: $low: int, $high: int.
MATCH (f:User)-[r:CONNECTION_REQUEST]->(t:User)
WHERE f.id >= $low AND f.id <= $high
RETURN collect([f.id, t.id, r.created_at.epochSeconds * 1000000 + r.created_at.microsecond,
                r.rejected.epochSeconds * 1000000 + r.rejected.microsecond]) AS rows
