// Store (or replace) a user's precomputed suggestions: the exact ranking's top entries as
// parallel lists, best first. api/suggestions_page serves them, filtered live.
// Params: $user_id: int, $ids: [int], $mutual_counts: [int], $degree: int (the user's
// connections when computed). Returns user_id.
MERGE (l:SuggestionList {user_id: $user_id})
SET l.ids = $ids,
    l.mutual_counts = $mutual_counts,
    l.degree = $degree,
    l.refreshed_at = datetime()
RETURN l.user_id AS user_id
