local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
request = function()
  return wrk.format("GET", "/api/v1/livechat/rooms?count=25&tags[]=" .. common.pick(common.data.tags))
end
done = common.done
