// Each directed CONNECTED_TO carries its owner's id and the other user's negated id, so this
// index lists one user's connections newest first, ties by user id ascending, with no sort:
// the connections endpoint reads any page of a 100k-connection user by an index range scan.
CREATE INDEX connection_order IF NOT EXISTS
FOR ()-[c:CONNECTED_TO]-() ON (c.owner, c.created_at, c.neg_other)
