// Counters that hand out ids (e.g. webhook subscribers) are one :Sequence node per name.
CREATE CONSTRAINT sequence_name_unique IF NOT EXISTS FOR (s:Sequence) REQUIRE s.name IS UNIQUE
