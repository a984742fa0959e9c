// Removes a webhook subscriber (its recorded failures stay, for the record).
// Params: $subscriber_id. Returns: removed (number of subscribers removed, 0 or 1).
OPTIONAL MATCH (s:WebhookSubscriber {id: $subscriber_id})
DETACH DELETE s
RETURN count(s) AS removed
