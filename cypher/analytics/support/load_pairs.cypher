// The connections among the relationships of internal ids $low..$high (inclusive;
// analytics/scan.py), each pair once, as two parallel lists {user_id, other_id}
// (user_id < other_id; neither is ever null): the analyze loader's read.
// Params: $low: int, $high: int.
MATCH ()-[c:CONNECTED_TO]->()
WHERE id(c) IN range($low, $high) AND c.owner < -c.neg_other
RETURN collect(c.owner) AS user_id, collect(-c.neg_other) AS other_id
