// Store community options: merges the one (:CommunitySettings {name: 'community'}) node.
// $values: map of option name -> value (follow_enabled, content_availability: bool).
MERGE (s:CommunitySettings {name: 'community'})
SET s += $values
RETURN properties(s) AS settings
