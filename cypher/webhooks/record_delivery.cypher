// Records one attempt to send event $event_id to a subscriber. Delivered ($advance true) or
// given up: the cursor moves to the event and the retry state clears; otherwise the attempt
// count and the time of the next attempt are kept. Never moves the cursor backwards, so a
// second worker or a replayed attempt cannot undo progress.
// Params: $subscriber_id, $event_id, $advance (bool), $attempts, $next_attempt_at (Unix seconds
//         or null), $last_status (HTTP status or null), $last_error (text or null).
// Returns: recorded (0 when the cursor had already passed the event).
MATCH (s:WebhookSubscriber {id: $subscriber_id})
WHERE s.cursor < $event_id
SET s.cursor = CASE WHEN $advance THEN $event_id ELSE s.cursor END,
    s.attempts = CASE WHEN $advance THEN 0 ELSE $attempts END,
    s.next_attempt_at = CASE WHEN $advance THEN null ELSE $next_attempt_at END,
    s.last_status = $last_status,
    s.last_error = $last_error
RETURN count(s) AS recorded
