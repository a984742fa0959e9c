-- The entry format, checked inside Redis so that a lookup is one round trip whatever it reads:
-- `current(raws)` is, for each entry as read (false when absent), the entry when its epoch
-- and every dependency's version still match, else false; the versions of all of them are
-- read in one MGET (a few calls per lookup, not one per entry). Entries leave the script as
-- they are stored, stamp and all: Python cuts the stamp off (`payloads` in store.py), which costs Redis
-- less than a copy of every payload inside Lua. KEYS: the epoch, the write
-- counter, the version prefix. ARGV[1]: an epoch to create when there is none (a fresh or
-- restarted Redis).
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
local writes = redis.call('GET', KEYS[2]) or '0'
local function mget(keys)
  local values = {}
  for i = 1, #keys, 500 do
    local part = redis.call('MGET', unpack(keys, i, math.min(i + 499, #keys)))
    for j = 1, #part do values[#values + 1] = part[j] end
  end
  return values
end
local function current(raws)
  local entries, wanted, seen = {}, {}, {}
  for i = 1, #raws do
    local raw, entry = raws[i], false
    if raw then
      local bar = string.find(raw, '|', 1, true)
      if string.sub(raw, 1, bar - 1) == epoch then
        local second = string.find(raw, '|', bar + 1, true)
        local deps = {}
        for id, version in string.gmatch(string.sub(raw, bar + 1, second - 1), '(%d+):(%d+)') do
          deps[#deps + 1] = id
          deps[#deps + 1] = version
          if not seen[id] then
            seen[id] = #wanted + 1
            wanted[#wanted + 1] = KEYS[3] .. id
          end
        end
        entry = deps
      end
    end
    entries[i] = entry
  end
  local versions = mget(wanted)
  local out = {}
  for i = 1, #raws do
    local entry = entries[i]
    if entry then
      local deps = entry
      for j = 1, #deps, 2 do
        if (versions[seen[deps[j]]] or '0') ~= deps[j + 1] then
          entry = false
          break
        end
      end
    end
    out[i] = entry and raws[i]
  end
  return out
end
