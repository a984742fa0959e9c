// A subscriber's delivery state and the next event to send it: the first event after its
// cursor of a type it subscribed to (all types when `events` is empty). No row when the
// subscriber does not exist; `event` is null when it is up to date.
// Params: $subscriber_id.
MATCH (s:WebhookSubscriber {id: $subscriber_id})
CALL {
  WITH s
  OPTIONAL MATCH (e:Event)
  WHERE e.id > s.cursor AND (size(s.events) = 0 OR e.type IN s.events)
  WITH e ORDER BY e.id LIMIT 1
  RETURN e
}
RETURN s {.*} AS subscriber, e {.*} AS event
