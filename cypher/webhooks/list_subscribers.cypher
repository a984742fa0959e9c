// Every webhook subscriber with its delivery state, by id (secrets are not returned).
// Returns: id, url, events, cursor, attempts, next_attempt_at, last_status, last_error.
MATCH (s:WebhookSubscriber)
RETURN s.id AS id, s.url AS url, s.events AS events, s.cursor AS cursor,
       s.attempts AS attempts, s.next_attempt_at AS next_attempt_at,
       s.last_status AS last_status, s.last_error AS last_error
ORDER BY s.id
