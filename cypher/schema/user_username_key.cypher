// A range index on :User(username_key), the username lower-cased: the explorer's prefix search
// (explore/search_users) reads matching usernames in order by an index seek, whatever their case,
// at any graph size. admin/assign_username_keys fills the key of users stored before it existed.
CREATE INDEX user_username_key IF NOT EXISTS FOR (u:User) ON (u.username_key)
