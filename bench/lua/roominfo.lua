local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
request = function()
  return wrk.format("GET", "/api/v1/rooms.info?roomId=" .. common.pick(common.data.rooms).id)
end
done = common.done
