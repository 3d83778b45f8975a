-- Opens a stream and appends its first event. KEYS, ARGV: see common.lua, then ARGV[9] stream info  =>  entry id
redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[9])
local id = add_entry(ARGV[5], ARGV[6])
appended()
refresh_expiry(ARGV[1])
return id
