-- ARGV: key, now  =>  {} | {value, version, expires_at|nil}
local v, ver, exp = live_kv(ARGV[1], ARGV[2])
if not v then return {} end
return {v, ver, exp or false}
