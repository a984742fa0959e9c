// Active users with at least $min_degree connections: the ones whose suggestions are precomputed
// (the bounded neighbourhood of api/suggestions_page cannot rank their candidates).
// Params: $min_degree: int. Returns id, degree; ids ascending. Reads every user's degree from the
// degree store (no relationship is read): seconds on a 1M-user graph, once per refresh pass.
MATCH (u:User)
WHERE u.status = 'a'
WITH u, COUNT { (u)-[:CONNECTED_TO]->() } AS degree
WHERE degree >= $min_degree
RETURN u.id AS id, degree
ORDER BY id
