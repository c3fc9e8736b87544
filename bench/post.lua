-- post.lua -- wrk script: every request is the same POST, its body read once
-- from the file named after "--" on wrk's command line.  Keep-alive is wrk's
-- default.  The body is sent as application/json, as API clients do.
--
--   wrk -t2 -c64 -d10s --latency -s bench/post.lua URL -- BODY_FILE

function init(args)
   local f = assert(io.open(args[1], "rb"))
   wrk.method = "POST"
   wrk.body = f:read("*a")
   wrk.headers["Content-Type"] = "application/json"
   f:close()
end
