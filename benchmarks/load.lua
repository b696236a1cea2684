-- One benchmark scenario for wrk. benchmarks/run.py describes the request in the environment:
--   BENCH_METHOD, BENCH_HEADERS ("Name: value" lines), BENCH_BODY; every "{id}" in the body is
--   replaced by a value unique to the request (BENCH_PREFIX, the thread and a counter).
-- done() prints one line "BENCH {json}" with the counts, latency percentiles and statuses.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local prefix = os.getenv("BENCH_PREFIX") or "b"
local unique = body ~= nil and body:find("{id}", 1, true) ~= nil
local headers = {}
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local fixed, sent

function init(args)
  statuses = {}
  sent = 0
  fixed = wrk.format(method, nil, headers, body)
end

function request()
  if not unique then
    return fixed
  end
  sent = sent + 1
  local id = prefix .. "_" .. tid .. "_" .. sent
  return wrk.format(method, nil, headers, (body:gsub("{id}", id)))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    parts[#parts + 1] = string.format('"%d": %d', status, n)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "timeouts": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write, errors.timeout, table.concat(parts, ", ")))
end
