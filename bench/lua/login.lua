local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.headers["X-User-Id"] = nil
wrk.headers["X-Auth-Token"] = nil
wrk.method = "POST"
wrk.path = "/api/v1/login"
wrk.body = '{"user":"agent-1","password":"agent-pass"}'
done = common.done
