-- ARGV: resource, holder, expires_at, now  =>  {granted 0|1, holder, expires_at, token}
local res, holder, exp, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cur, cur_exp, cur_tok, alive = lease_of(res, now)
if alive then return {0, cur, cur_exp, cur_tok} end
local tok = redis.call('HINCRBY', B .. 'seq', 'lease:' .. res, 1)
redis.call('HSET', B .. 'lease:holder', res, holder)
redis.call('HSET', B .. 'lease:exp', res, exp)
redis.call('HSET', B .. 'lease:tok', res, tok)
-- cur is the holder of an expired, never released lease
log('lease:' .. res, cur and 'lease_takeover' or 'lease_acquire', jstr(holder), jstr(cur), holder, now)
return {1, holder, exp, tok}
