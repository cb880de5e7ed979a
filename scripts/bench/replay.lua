-- wrk script for the closed-loop ceiling (scripts/bench/ceiling.ts).
-- Replays pre-built requests from $WRK_POOL, one per line, tab-separated:
-- method, path, any "name: value" headers, body (last, possibly empty). With
-- $WRK_THREADS threads, thread k takes lines k, k+n, k+2n… A thread that runs
-- out starts its share again (those repeats are answered as duplicates).
-- Every response's status and event_id (when its body names one) is written
-- to $WRK_OUT, "<status> <event_id or ->" per line, after a header line
-- "# issued <requests sent> pool <requests loaded>" per thread.

local threads = {}
local count = 0

function setup(thread)
	thread:set("tid", count)
	count = count + 1
	table.insert(threads, thread)
end

-- Globals, so done() can read them from each thread with thread:get.
pool = {}
loaded = 0
issued = 0
results = {}

function init(args)
	local n = tonumber(os.getenv("WRK_THREADS") or "1")
	local i = 0
	for line in io.lines(os.getenv("WRK_POOL")) do
		if i % n == tid then
			local fields = {}
			for field in (line .. "\t"):gmatch("([^\t]*)\t") do
				fields[#fields + 1] = field
			end
			local headers = {}
			for h = 3, #fields - 1 do
				local name, value = fields[h]:match("^([^:]+):%s*(.*)$")
				headers[name] = value
			end
			local body = fields[#fields]
			pool[#pool + 1] = wrk.format(fields[1], fields[2], headers, body ~= "" and body or nil)
		end
		i = i + 1
	end
	loaded = #pool
end

function request()
	issued = issued + 1
	return pool[(issued - 1) % #pool + 1]
end

function response(status, headers, body)
	results[#results + 1] = status .. " " .. ((body and body:match('"event_id":"([^"]+)"')) or "-")
end

function done(summary, latency, requests)
	local out = assert(io.open(os.getenv("WRK_OUT"), "w"))
	for _, thread in ipairs(threads) do
		out:write("# issued ", thread:get("issued"), " pool ", thread:get("loaded"), "\n")
		for _, line in ipairs(thread:get("results")) do
			out:write(line, "\n")
		end
	end
	out:close()
end
