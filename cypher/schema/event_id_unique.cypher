// Event ids are unique (the log hands them out gap-free; this makes a duplicate impossible).
CREATE CONSTRAINT event_id_unique IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE
