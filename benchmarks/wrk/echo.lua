-- wrk script: closed-loop `tools/call echo` with one MCP session per wrk thread (run with -t N -c N).
-- The session ids come in the environment variable MCP_SESSIONS (comma-separated), created beforehand by
-- the benchmark harness; thread i uses session i. Prints one JSON line at the end:
-- {"requests":N,"rps":R,"p50_ms":..,"p99_ms":..,"errors":E}
local sessions = {}
for id in string.gmatch(os.getenv("MCP_SESSIONS") or "", "[^,]+") do sessions[#sessions + 1] = id end
local tool = os.getenv("MCP_TOOL") or "echo"
local arguments = os.getenv("MCP_ARGUMENTS") or '{"text":"hello benchmark"}'
local threads, next_index = {}, 1

function setup(thread)
  thread:set("sid", sessions[((next_index - 1) % #sessions) + 1])
  next_index = next_index + 1
  threads[#threads + 1] = thread
end

function init(args)
  errors = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
  wrk.headers["Mcp-Session-Id"] = sid
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"' .. tool
      .. '","arguments":' .. arguments .. '}}'
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"result"', 1, true) or string.find(body, '"isError":true', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + (t:get("errors") or 0) end
  io.write(string.format('{"requests":%d,"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status))
end
