// Keeps a record of an event a subscriber never acknowledged after every attempt.
// Params: $subscriber_id, $event_id, $attempts, $last_status, $last_error, $now (Unix seconds).
CREATE (:WebhookFailure {
  subscriber_id: $subscriber_id, event_id: $event_id, attempts: $attempts,
  last_status: $last_status, last_error: $last_error, failed_at: $now
})
