// The ids among $ids (list of int) that no :User has; returns rows {id}.
UNWIND $ids AS id
OPTIONAL MATCH (u:User {id: id})
WITH id, u
WHERE u IS NULL
RETURN DISTINCT id
