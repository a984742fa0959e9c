// Tests only: delete every node and relationship, in batches (run in an auto-commit session).
MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
