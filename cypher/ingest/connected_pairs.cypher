// The pairs among $pairs (list of {a: int, b: int}) that are already connected; returns rows
// {a, b}. Used to reject a pending request for a pair that is connected.
UNWIND $pairs AS pair
MATCH (a:User {id: pair.a})-[:CONNECTED_TO]->(b:User {id: pair.b})
RETURN DISTINCT pair.a AS a, pair.b AS b
