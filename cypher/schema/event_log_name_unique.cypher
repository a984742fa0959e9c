// One event-log counter node per name, so concurrent first writes never create two.
CREATE CONSTRAINT event_log_name_unique IF NOT EXISTS FOR (l:EventLog) REQUIRE l.name IS UNIQUE
