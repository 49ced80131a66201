-- room.saveInfo on random rooms, cycling through a realistic mix of bodies.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local data = common.data
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

request = function()
  n = n + 1
  local room = common.pick(data.rooms)
  local guest = '{"_id":"' .. room.v .. '"'
  local fields
  local kind = n % 3
  if kind == 0 then
    -- the seed page's body
    fields = '"topic":"Hmm","tags":["testtags"]'
  elseif kind == 1 then
    -- topic + tags + a custom field + a guest name
    fields = '"topic":"Billing ' .. n .. '","tags":["vip","' .. common.pick(data.tags) .. '"],"livechatData":{"orderId":"B-' .. n .. '"}'
    guest = guest .. ',"name":"Visitor ' .. n .. '"'
  else
    -- a priority change, which writes a history message
    fields = '"priorityId":"' .. common.pick(data.priorities) .. '"'
  end
  local body = '{"guestData":' .. guest .. '},"roomData":{"_id":"' .. room.id .. '",' .. fields .. '}}'
  return wrk.format("POST", "/api/v1/livechat/room.saveInfo", nil, body)
end

done = common.done
