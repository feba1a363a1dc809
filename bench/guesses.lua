-- Wrong password guesses: every request a different password, and a bearer token read in turn from
-- the file named by TOKENS_FILE (one line: one caller guessing; many: many callers).
-- The request path (domain included) is the URL given to wrk; `&password=guess-N` is added here.
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local counter = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  counter = id * 1000000
end

function request()
  counter = counter + 1
  local path = wrk.path .. "&password=guess-" .. counter
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]})
end
