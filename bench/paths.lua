-- wrk script: GET each path of the file named by PATHS in turn (one per line), as the bearer
-- of TOKEN when it is set: a map that pans, a list of searches.
local token = os.getenv("TOKEN")
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local i = 0
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
