// The community options stored in the database: one row {settings: map} (empty map when unset).
// No params. The graph layer keeps SelfCommunity's names: follow_enabled, content_availability.
OPTIONAL MATCH (s:CommunitySettings {name: 'community'})
RETURN CASE WHEN s IS NULL THEN {} ELSE properties(s) END AS settings
