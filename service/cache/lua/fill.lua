-- ARGV: epoch, write counter (as read before the miss read Neo4j), then per entry: key, hash
-- field ('' for a plain key), ttl, deps (ids joined by ','), payload. Nothing is written unless
-- both are unchanged.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then return -1 end
local n = 0
for i = 3, #ARGV, 5 do
  local parts = {}
  for id in string.gmatch(ARGV[i + 3], '[^,]+') do
    parts[#parts + 1] = id .. ':' .. (redis.call('GET', KEYS[3] .. id) or '0')
  end
  local value = ARGV[1] .. '|' .. table.concat(parts, ',') .. '|' .. ARGV[i + 4]
  if ARGV[i + 1] == '' then
    redis.call('SET', ARGV[i], value, 'EX', ARGV[i + 2])
  else
    redis.call('HSET', ARGV[i], ARGV[i + 1], value)
    redis.call('EXPIRE', ARGV[i], ARGV[i + 2])
  end
  n = n + 1
end
return n
