// Readiness probe: returns one row {ok: 1} when the database answers reads.
RETURN 1 AS ok
