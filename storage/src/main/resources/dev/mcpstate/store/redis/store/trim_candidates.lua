-- KEYS: event-streams, stream-ages; ARGV: cutoff millis  =>  the ids of the streams retention must visit: those whose
-- oldest event is older than the cutoff, or every stream of a session written before stream ages were kept (more
-- stream ids than ages; visiting them records their ages).
if redis.call('SCARD', KEYS[1]) > redis.call('ZCARD', KEYS[2]) then return redis.call('SMEMBERS', KEYS[1]) end
return redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
