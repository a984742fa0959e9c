// The community a user belongs to (`connections analyze communities --write`): the catalogue's
// community_members and community_sizes find a community's users by it, not by a scan.
CREATE INDEX user_community_id IF NOT EXISTS FOR (u:User) ON (u.community_id)
