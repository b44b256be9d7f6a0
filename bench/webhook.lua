-- Sends the signed webhooks of bench/webhook_requests.py, each once, split between wrk's
-- threads; a thread that runs out sends nothing more (its requests would be duplicates).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local file = args[1]
  local nthreads = tonumber(args[2])
  mine = {}
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == tid then
      local id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(mine, wrk.format("POST", "/billing/webhooks/dodo/", {
        ["Content-Type"] = "application/json",
        ["webhook-id"] = id,
        ["webhook-timestamp"] = ts,
        ["webhook-signature"] = sig,
      }, body))
    end
    n = n + 1
  end
  next_one = 0
end

function request()
  next_one = next_one + 1
  if next_one > #mine then
    print("bench/webhook.lua: ran out of webhooks; generate more (--pending)")
    wrk.thread:stop()
    return mine[#mine]
  end
  return mine[next_one]
end

local shown = 0
function response(status, headers, body)
  if status ~= 204 and shown < 3 then
    shown = shown + 1
    print("bench/webhook.lua: answered " .. status .. ": " .. body:sub(1, 200))
  end
end
