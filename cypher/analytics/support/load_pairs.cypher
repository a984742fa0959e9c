// The connections owned by users $low..$high (ids, inclusive), each pair once, as two parallel
// lists {user_id, other_id} (user_id < other_id; neither is ever null): the analyze loader's read.
// Params: $low: int, $high: int.
MATCH ()-[c:CONNECTED_TO]->()
WHERE c.owner >= $low AND c.owner <= $high AND c.owner < -c.neg_other
RETURN collect(c.owner) AS user_id, collect(-c.neg_other) AS other_id
