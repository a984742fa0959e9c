// Flush everything written so far to the store files and record a checkpoint, so a crash
// replays only later transactions and never rebuilds an index (run after schema and loads).
CALL db.checkpoint() YIELD success, message RETURN success, message
