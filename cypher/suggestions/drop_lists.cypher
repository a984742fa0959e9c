// Delete the stored suggestion lists of these users (they fell below the degree threshold, or
// are no longer active): their suggestions go back to the bounded neighbourhood.
// Params: $user_ids: [int]. Returns dropped (how many lists were deleted).
UNWIND $user_ids AS user_id
MATCH (l:SuggestionList {user_id: user_id})
DELETE l
RETURN count(*) AS dropped
