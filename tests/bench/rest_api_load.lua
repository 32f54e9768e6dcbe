-- wrk script for rest_api_load.sh: one line of machine-readable figures at the end of a run,
-- and, with BENCH_XMLRPC=1, the XML-RPC call supervisorctl makes for `status`
-- (supervisor.getAllProcessInfo) instead of a plain GET.
--
--   wrk -s rest_api_load.lua ...                      GET the URL given to wrk
--   BENCH_XMLRPC=1 wrk -s rest_api_load.lua .../RPC2   POST getAllProcessInfo
--
-- The last line reads:
--   BENCH rps=<req/s> p50_us=<n> p99_us=<n> max_us=<n> requests=<n> errors=<n> timeouts=<n>
-- where errors counts connect/read/write failures and non-2xx/3xx answers (a 503 counts).

if os.getenv("BENCH_XMLRPC") == "1" then
  wrk.method = "POST"
  wrk.body = '<?xml version="1.0"?><methodCall>' ..
             "<methodName>supervisor.getAllProcessInfo</methodName>" ..
             "<params></params></methodCall>"
  wrk.headers["Content-Type"] = "text/xml"
end

done = function(summary, latency, _)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH rps=%.2f p50_us=%d p99_us=%d max_us=%d requests=%d errors=%d timeouts=%d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99), latency.max,
    summary.requests, e.connect + e.read + e.write + e.status, e.timeout))
end
