-- Runs after current.lua (store.py prepends it): `current`, `mget`, `epoch` and `writes`.
-- ARGV after the epoch: key, hash field ('' for a plain key), for each entry. Returns the
-- epoch, the write counter, then each entry's payload or nil.
local raws, plain, at = {}, {}, {}
for i = 2, #ARGV, 2 do
  local n = i / 2
  if ARGV[i + 1] == '' then
    plain[#plain + 1] = ARGV[i]
    at[#plain] = n
  else
    raws[n] = redis.call('HGET', ARGV[i], ARGV[i + 1])
  end
end
local values = mget(plain)
for j = 1, #plain do raws[at[j]] = values[j] end
local out = {epoch, writes}
for _, payload in ipairs(current(raws)) do out[#out + 1] = payload end
return out
