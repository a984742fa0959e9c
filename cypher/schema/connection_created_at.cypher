// Range index on the connection date, for analysts filtering connections by time.
CREATE INDEX connection_created_at IF NOT EXISTS FOR ()-[c:CONNECTED_TO]-() ON (c.created_at)
