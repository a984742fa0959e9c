// Deliveries given up after every attempt, oldest first.
// Returns: subscriber_id, event_id, attempts, last_status, last_error, failed_at.
MATCH (f:WebhookFailure)
RETURN f.subscriber_id AS subscriber_id, f.event_id AS event_id, f.attempts AS attempts,
       f.last_status AS last_status, f.last_error AS last_error, f.failed_at AS failed_at
ORDER BY f.failed_at, f.subscriber_id, f.event_id
