// One community-settings node per name, so concurrent `settings set` calls never duplicate it.
CREATE CONSTRAINT community_settings_name_unique IF NOT EXISTS
FOR (s:CommunitySettings) REQUIRE s.name IS UNIQUE
