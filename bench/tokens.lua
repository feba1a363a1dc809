-- Sends a different bearer token on every request, read from the file named by TOKENS_FILE.
-- With PACE_MS set, each connection waits that long between requests (a paced, not saturating, load).
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * math.floor(#tokens / 2))
  threads = threads + 1
end

function init(args)
  counter = offset
end

function request()
  counter = counter + 1
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]})
end

local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay()
    return pace
  end
end
