// How many requests $user_id: int has sent, rejected ones included (their sender is never
// told): one row {count}; always equal to connection_requests_sent_counter (user_rows).
MATCH (u:User {id: $user_id})
RETURN COUNT { (u)-[:CONNECTION_REQUEST]->() } AS count
