// Community has no db.checkpoint(): commit one small write after a load or schema change, so
// the periodic checkpoint has something new to cover and runs (see LocalNeo4j.await_checkpoint).
// Keeps exactly one (:CheckpointMarker {name: 'last'}) node; no parameters.
MERGE (m:CheckpointMarker {name: 'last'})
SET m.at = datetime()
