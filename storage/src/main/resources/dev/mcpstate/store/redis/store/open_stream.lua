-- KEYS: streams; ARGV: ttl, streamId, stream info  =>  1
redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3])
refresh_expiry(ARGV[1])
return 1
