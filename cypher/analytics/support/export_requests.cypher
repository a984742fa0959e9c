// The connection requests among the relationships of internal ids $low..$high (inclusive;
// analytics/scan.py), pending and rejected, as four parallel columns: from_id, to_id,
// created_at, rejected (epoch microseconds; rejected is null while pending, each value wrapped
// in a one-item list because collect() drops nulls).
// Params: $low: int, $high: int.
MATCH (f:User)-[r:CONNECTION_REQUEST]->(t:User)
WHERE id(r) IN range($low, $high)
RETURN collect(f.id) AS from_id, collect(t.id) AS to_id,
       collect(r.created_at.epochSeconds * 1000000 + r.created_at.microsecond) AS created_at,
       collect([r.rejected.epochSeconds * 1000000 + r.rejected.microsecond]) AS rejected
