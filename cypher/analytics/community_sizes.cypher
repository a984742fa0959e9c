// Communities by size, largest first (stored by `connections analyze communities --write`):
// the community's id (its smallest member's user id) and how many users it has.
// columns: community_id, size
// param n: int = 20 in 1..100000 -- how many communities
MATCH (u:User)
WHERE u.community_id IS NOT NULL
WITH u.community_id AS community_id, count(*) AS size
ORDER BY size DESC, community_id ASC LIMIT $n
RETURN community_id, size
