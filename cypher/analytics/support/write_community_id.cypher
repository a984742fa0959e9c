// Store one analyze result on the users: sets u.community_id for each row; returns nothing.
// Params: $rows: list of {id: int, value: number}.
UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u.community_id = row.value
