-- wrk script: POST /api/counters/<name>/increment {"by":1} over keep-alive connections.
--   wrk -t2 -c32 -d10s --latency -s bench/wrk/increment.lua http://127.0.0.1:PORT -- <counter-name>
-- Prints one line "WRK_JSON {...}" with the status counts and latency percentiles (microseconds), which
-- bench/src/main.mjs --wrk parses. The status of every response is counted per thread, so the number of
-- 200s is exact; requests still in flight when wrk stops are not counted (at most one per connection).

local counter = "bench-wrk"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if args[1] ~= nil then counter = args[1] end
  ok, other, s5xx = 0, 0, 0
  wrk.method = "POST"
  wrk.path = "/api/counters/" .. counter .. "/increment"
  wrk.body = '{"by":1}'
  wrk.headers["Content-Type"] = "application/json"
  req = wrk.format()
end

function request()
  return req
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status >= 500 then
    s5xx = s5xx + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok_total, other_total, s5xx_total = 0, 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    other_total = other_total + t:get("other")
    s5xx_total = s5xx_total + t:get("s5xx")
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"ok":%d,"other":%d,"s5xx":%d,' ..
    '"socketErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p95Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, ok_total, other_total, s5xx_total,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
