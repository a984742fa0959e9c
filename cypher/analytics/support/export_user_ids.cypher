// One page of user ids in id order after $after (keyset), as one list: {ids}.
// Params: $after: int, $limit: int.
MATCH (u:User)
WHERE u.id > $after
WITH u.id AS id ORDER BY id LIMIT $limit
RETURN collect(id) AS ids
