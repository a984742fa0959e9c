// Every stored suggestion list, without its contents: user_id, refreshed_at (datetime).
MATCH (l:SuggestionList)
RETURN l.user_id AS user_id, l.refreshed_at AS refreshed_at
ORDER BY user_id
