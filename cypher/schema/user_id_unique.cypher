// Every :User has a unique integer id; also the index every lookup by id uses.
CREATE CONSTRAINT user_id_unique IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE
