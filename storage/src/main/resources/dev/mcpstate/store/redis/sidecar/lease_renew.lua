-- ARGV: resource, holder, expires_at, now  =>  {renewed 0|1, holder, expires_at, token} ({0} without a live lease)
local res, holder, exp, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cur, cur_exp, cur_tok, alive = lease_of(res, now)
if not alive then return {0} end
if cur ~= holder then return {0, cur, cur_exp, cur_tok} end
redis.call('HSET', B .. 'lease:exp', res, exp)
log('lease:' .. res, 'lease_renew', jstr(holder), jstr(holder), holder, now)
return {1, holder, exp, cur_tok}
