// The community options stored in the database: one row {settings: map} (empty map when unset).
// No params. Keys present are SelfCommunity's names: follow_enabled, content_availability.
OPTIONAL MATCH (s:CommunitySettings {name: 'community'})
RETURN CASE WHEN s IS NULL THEN {} ELSE s {.follow_enabled, .content_availability} END AS settings
