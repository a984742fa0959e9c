// "Is the owner connected to this user?" as one index seek, whatever either degree: suggestions
// exclude a supernode's connections from its candidates this way (api/suggestions_page), where
// an existence check by expansion walks each candidate's relationships.
CREATE INDEX connection_pair IF NOT EXISTS
FOR ()-[c:CONNECTED_TO]-() ON (c.owner, c.neg_other)
