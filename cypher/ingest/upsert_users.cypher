// Upsert users by id; returns nothing (counters come from the summary).
// $rows: list of {id: int, props: map of every other stored property (null removes it),
//   date_joined: DATETIME or null}. An absent date_joined is set to now only ON CREATE, so a
//   re-import of the same file changes nothing.
UNWIND $rows AS row
MERGE (u:User {id: row.id})
  ON CREATE SET u += row.props, u.date_joined = coalesce(row.date_joined, datetime())
  ON MATCH SET u += row.props, u.date_joined = coalesce(row.date_joined, u.date_joined)
