-- ARGV: session_id  =>  {} | {context, saved_at}
local ctx = redis.call('HGET', B .. 'sess:ctx', ARGV[1])
if not ctx then return {} end
return {ctx, redis.call('HGET', B .. 'sess:at', ARGV[1])}
