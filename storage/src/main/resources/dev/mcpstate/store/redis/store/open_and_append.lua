-- Opens a stream and appends its first event. KEYS, ARGV: see common.lua, then ARGV[10] stream info  =>  entry id
redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[10])
local id = add_entry(ARGV[5], ARGV[6])
appended()
refresh_expiry(ARGV[1])
return id
