// Readiness: state and population % of the named indexes (a missing name returns no row).
// $names: list of index names.
SHOW INDEXES YIELD name, state, populationPercent
WHERE name IN $names
RETURN name, state, populationPercent AS population
