// A range index on :User(username): the explorer's prefix search (explore/search_users) reads
// matching usernames in order by an index seek, at any graph size.
CREATE INDEX user_username IF NOT EXISTS FOR (u:User) ON (u.username)
