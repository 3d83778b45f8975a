-- ARGV: run_id, agent, status (completed|failed), op, result|'', error|'', now  =>  {0} unknown | {applied, run fields...}
local id, agent, target, op, result, err, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], opt(ARGV[5]), opt(ARGV[6]), ARGV[7]
local k = run_key(id)
if redis.call('EXISTS', k) == 0 then return {0} end
local status, holder = run_state(k)
if not in_progress(status) or holder ~= agent then return run_reply(0, k) end
redis.call('HSET', k, 'status', target, 'updated_at', now)
redis.call('HDEL', k, 'claim_expires_at')
if result then redis.call('HSET', k, 'result', result) end
if err then redis.call('HSET', k, 'error', err) end
log('workflow:' .. id, op, jstr(target), jstr(status), agent, now)
return run_reply(1, k)
