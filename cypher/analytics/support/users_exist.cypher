// Which of the given user ids exist: one row {found: [ids]}; $ids: list of ints.
// Checked before an analytics query runs, so an unknown user is a clear error, not an empty answer.
UNWIND $ids AS id
OPTIONAL MATCH (u:User {id: id})
RETURN collect(u.id) AS found
