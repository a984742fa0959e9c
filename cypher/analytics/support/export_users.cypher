// One page of users in id order after $after (keyset), at most $limit rows: the stored User
// fields (dates as epoch microseconds / ISO dates, ext_id as text), tags as stored (JSON).
// Params: $after: int, $limit: int.
MATCH (u:User)
WHERE u.id > $after
WITH u ORDER BY u.id LIMIT $limit
RETURN u.id AS id, u.username AS username, u.real_name AS real_name, u.email AS email,
       u.email_isvalid AS email_isvalid, u.bio AS bio, u.location AS location,
       u.location_lat_lng AS location_lat_lng, u.position_lat_lng AS position_lat_lng,
       u.date_of_birth AS date_of_birth, u.description AS description, u.gender AS gender,
       u.status AS status, u.website AS website, u.avatar AS avatar, u.cover AS cover,
       toString(u.ext_id) AS ext_id, u.reputation AS reputation,
       u.posts_counter AS posts_counter, u.discussions_counter AS discussions_counter,
       u.statuses_counter AS statuses_counter, u.polls_counter AS polls_counter,
       u.tags_json AS tags_json, coalesce(u.is_staff, false) AS is_staff,
       u.date_joined.epochSeconds * 1000000 + u.date_joined.microsecond AS date_joined
