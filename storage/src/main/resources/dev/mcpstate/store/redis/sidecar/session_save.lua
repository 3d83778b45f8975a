-- ARGV: session_id, context, now  =>  {saved_at}
local id, ctx, now = ARGV[1], ARGV[2], ARGV[3]
local prev = opt(redis.call('HGET', B .. 'sess:ctx', id))
redis.call('HSET', B .. 'sess:ctx', id, ctx)
redis.call('HSET', B .. 'sess:at', id, now)
log('session:' .. id, 'session_save', ctx, prev, nil, now)
return {now}
