// Delete pending requests (either direction) between pairs that are now connected: a
// connection supersedes a request. $rows: list of {a: int, b: int}; returns nothing.
UNWIND $rows AS row
MATCH (:User {id: row.a})-[r:CONNECTION_REQUEST]-(:User {id: row.b})
DELETE r
