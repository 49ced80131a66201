-- Shared by every benchmark script: auth headers, sample data, and a JSON summary line at the end.
local data = dofile(os.getenv("BENCH_DATA"))
wrk.headers["X-User-Id"] = data.userId
wrk.headers["X-Auth-Token"] = data.token
wrk.headers["Content-Type"] = "application/json"

local M = { data = data }

function M.pick(list)
  return list[math.random(1, #list)]
end

function M.done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end

return M
