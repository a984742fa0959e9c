// At most one stored suggestion list per user (suggestions/store_list); also the index the
// suggestion page's lookup by user id uses (api/suggestions_page).
CREATE CONSTRAINT suggestion_list_user_unique IF NOT EXISTS
FOR (l:SuggestionList) REQUIRE l.user_id IS UNIQUE
