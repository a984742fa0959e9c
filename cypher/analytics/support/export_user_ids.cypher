// The ids of the users among the nodes of internal ids $low..$high (inclusive;
// analytics/scan.py), as one list: {ids}.
// Params: $low: int, $high: int.
MATCH (u:User)
WHERE id(u) IN range($low, $high)
RETURN collect(u.id) AS ids
