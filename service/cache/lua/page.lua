-- Runs after current.lua (store.py prepends it): `current`, `mget`, `epoch` and `writes`.
-- A list page and the users it lists, in one round trip. ARGV after the epoch: the list's key
-- and field, the object key prefix, the status key prefix ('' when the viewer has none) and the
-- viewer's id. The page's payload is `[count,[id,...]]`: its numbers, after the first, are the
-- ids. An object depends on its user, a status on the viewer and the user, in that order (as
-- objects.py fills them), so the stamp each must carry is known before it is read: one MGET of
-- the versions, one of the objects, one of the statuses, and a prefix compare per entry.
-- Returns the epoch, the write counter, the page or nil, then (a current page only) each id's
-- object, each status (none for the viewer themselves), payload or nil, and the versions they
-- were checked against (each id's, then the viewer's when statuses were asked): the stamp a
-- worker keeps the page under (near.py).
local page = current({redis.call('HGET', ARGV[2], ARGV[3])})[1]
if not page then return {epoch, writes, false} end
local function stamped(raw, stamp)
  return raw and string.find(raw, stamp, 1, true) == 1 and raw
end
local ids, owners, first = {}, {}, true
for id in string.gmatch(string.sub(page, string.find(page, '|', #epoch + 2, true) + 1), '%d+') do
  if first then
    first = false
  else
    ids[#ids + 1] = id
    owners[#owners + 1] = ARGV[4] .. id
  end
end
local viewer, wanted = ARGV[6], {}
for i = 1, #ids do wanted[i] = KEYS[3] .. ids[i] end
if ARGV[5] ~= '' then wanted[#ids + 1] = KEYS[3] .. viewer end
local versions = mget(wanted)
local objects = mget(owners)
for i = 1, #ids do
  objects[i] = stamped(objects[i], epoch .. '|' .. ids[i] .. ':' .. (versions[i] or '0') .. '|')
end
local statuses = {}
if ARGV[5] ~= '' then
  local own = epoch .. '|' .. viewer .. ':' .. (versions[#ids + 1] or '0') .. ','
  local shown, stamps = {}, {}
  for i = 1, #ids do
    if ids[i] ~= viewer then
      shown[#shown + 1] = ARGV[5] .. ids[i]
      stamps[#stamps + 1] = own .. ids[i] .. ':' .. (versions[i] or '0') .. '|'
    end
  end
  statuses = mget(shown)
  for i = 1, #stamps do statuses[i] = stamped(statuses[i], stamps[i]) end
end
return {epoch, writes, page, objects, statuses, versions}
