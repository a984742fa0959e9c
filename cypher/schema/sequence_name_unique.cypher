// One id sequence node per name (connection request ids, webhook subscriber ids), so MERGE never
// duplicates it.
CREATE CONSTRAINT sequence_name_unique IF NOT EXISTS FOR (s:Sequence) REQUIRE s.name IS UNIQUE
