// Active users found by the explorer's search box, paged: {count, rows}.
// Params: $prefix: string (a username prefix, lower-cased: matched against username_key, the
// username lower-cased by domain.users.search_key, so case does not matter), $id: int or null (the user with
// this id, when the search text is a number), $offset: int, $limit: int, $max_matches: int.
// The user with id $id comes first, then usernames starting with $prefix in username_key order,
// ties by id (schema/user_username_key: an index seek in order, so a prefix shared by a million
// users reads only $max_matches entries). count is how many were found, at most
// $max_matches + 1; pages slice that one ordered list. Each row is {id, username, real_name,
// avatar, status, connections_counter, pagerank, community_id}: never an email.
CALL {
  MATCH (u:User {id: $id})
  WHERE u.status = 'a'
  RETURN u, 0 AS rank
  UNION
  MATCH (u:User)
  USING INDEX u:User(username_key)
  WHERE u.username_key STARTS WITH $prefix AND u.status = 'a'
  WITH u ORDER BY u.username_key, u.id
  LIMIT $max_matches
  RETURN u, 1 AS rank
}
WITH u, min(rank) AS rank
ORDER BY rank, u.username_key, u.id
WITH collect(u) AS found
CALL (found) {
  UNWIND found[$offset..$offset + $limit] AS n
  RETURN collect({
    id: n.id, username: n.username, real_name: n.real_name, avatar: n.avatar,
    status: n.status, connections_counter: COUNT { (n)-[:CONNECTED_TO]->() },
    pagerank: n.pagerank, community_id: n.community_id
  }) AS rows
}
RETURN size(found) AS count, rows
