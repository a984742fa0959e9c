// Events with id > $after, oldest first: rows {event_id, type, created: DATETIME,
// from_user_id, to_user_id}. Params: $after: int, $limit: int.
MATCH (e:Event)
WHERE e.id > $after
RETURN e.id AS event_id, e.type AS type, e.created AS created,
       e.from_user_id AS from_user_id, e.to_user_id AS to_user_id
ORDER BY e.id
LIMIT $limit
