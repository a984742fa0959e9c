// Take the write lock of each user, in the order given (the caller sorts: lower id first), so
// two transactions on the same pair queue instead of reading a state the other is changing.
// A SET/REMOVE of a scratch property locks the node and leaves it unchanged.
// Params: $ids: list of int. Returns rows {id, active} for the users that exist.
UNWIND $ids AS id
MATCH (u:User {id: id})
SET u._lock = true
REMOVE u._lock
RETURN u.id AS id, coalesce(u.status = 'a', false) AS active
