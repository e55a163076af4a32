-- wrk script: native ingest load. Every request is POST /v1/events with a batch of
-- BATCH events (default 100) with fresh UUIDs, for 20,000 shoppers and 12,000 items; counts
-- the events acknowledged (202) and prints them with the rate, to compare with
-- SELECT count(*) FROM events afterwards (acknowledged = durable).
--   BATCH=100 wrk -t2 -c16 -d15s -s deploy/bench-ingest.lua http://127.0.0.1:8080
local threads = {}
local batch = tonumber(os.getenv("BATCH") or "100")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  acked, failed, sequence = 0, 0, 0
end

local function uuid()
  sequence = sequence + 1
  -- Random bits plus thread id and sequence: unique across threads and runs.
  return string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), 0x8000 + id % 0x4000, math.random(0, 0xffff), sequence)
end

function request()
  local events = {}
  for i = 1, batch do
    events[i] = string.format('{"event_id":"%s","user_id":"load%d","item_id":"%d","type":"view"}',
      uuid(), math.random(1, 20000), math.random(1, 12000))
  end
  return wrk.format("POST", "/v1/events", { ["Content-Type"] = "application/json" }, '{"events":[' .. table.concat(events, ",") .. ']}')
end

function response(status, headers, body)
  if status == 202 then acked = acked + batch else failed = failed + 1 end
end

function done(summary, latency, requests)
  local total, bad = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("acked")
    bad = bad + thread:get("failed")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("acknowledged events: %d in %.1f s = %.0f events/s; non-202 responses: %d; p99 %.1f ms\n",
    total, seconds, total / seconds, bad, latency:percentile(99) / 1000))
end
