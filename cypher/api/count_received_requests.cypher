// How many pending requests $user_id: int has received (rejected ones excluded): one row
// {count}. Always equal to that user's connection_requests_received_counter (user_rows).
MATCH (u:User {id: $user_id})
RETURN COUNT { (u)<-[r:CONNECTION_REQUEST]-() WHERE r.rejected IS NULL } AS count
