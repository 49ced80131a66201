local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
request = function()
  -- customFields={"orderId":"A-<n>"}: a contains match on one room's order id
  return wrk.format("GET", "/api/v1/livechat/rooms?count=25&customFields=%7B%22orderId%22%3A%22" .. common.pick(common.data.orderIds) .. "%22%7D")
end
done = common.done
