// Give up to $batch users stored before `username_key` existed their key (the username
// lower-cased, as domain.users.search_key stores it on every write since). Run by `db init`
// until it assigns none. Returns {assigned}.
MATCH (u:User)
WHERE u.username_key IS NULL AND u.username IS NOT NULL
WITH u LIMIT $batch
SET u.username_key = toLower(u.username)
RETURN count(u) AS assigned
