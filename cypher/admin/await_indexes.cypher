// Block until every index is online (after the schema bootstrap); $seconds: int timeout.
CALL db.awaitIndexes($seconds)
