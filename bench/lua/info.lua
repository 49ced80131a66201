-- The ceiling: the cheapest JSON endpoint of the server.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
-- no credentials: the ceiling is the fastest any JSON endpoint of ours can answer
wrk.headers["X-User-Id"] = nil
wrk.headers["X-Auth-Token"] = nil
wrk.method = "GET"
wrk.path = "/api/info"
done = common.done
