-- ARGV: resource, holder, now  =>  {released 0|1}
local res, holder, now = ARGV[1], ARGV[2], ARGV[3]
local cur, _, _, alive = lease_of(res, now)
if not alive or cur ~= holder then return {0} end
redis.call('HDEL', B .. 'lease:holder', res)
redis.call('HDEL', B .. 'lease:exp', res)
redis.call('HDEL', B .. 'lease:tok', res)
log('lease:' .. res, 'lease_release', nil, jstr(holder), holder, now)
return {1}
