-- ARGV: run_id, step, output, agent|'', now  =>  {0} unknown | {applied, run fields...}
local id, step, output, agent, now = ARGV[1], ARGV[2], ARGV[3], opt(ARGV[4]), ARGV[5]
local k = run_key(id)
if redis.call('EXISTS', k) == 0 then return {0} end
local status, holder = run_state(k)
if status == 'completed' or status == 'failed' then return run_reply(0, k) end
if agent and holder and holder ~= agent then return run_reply(0, k) end
local prev = redis.call('HGET', k .. ':steps', step)
redis.call('HSET', k .. ':steps', step, output)
local last = opt(redis.call('HGET', k, 'last_step'))
if not last or num(step) > num(last) then redis.call('HSET', k, 'last_step', step) end
redis.call('HSET', k, 'status', 'running', 'updated_at', now)
local ttl = opt(redis.call('HGET', k, 'claim_ttl_ms'))
if ttl and holder then redis.call('HSET', k, 'claim_expires_at', fmt(num(now) + num(ttl))) end
local function value(out) if not out then return nil end return '{"step":' .. step .. ',"output":' .. out .. '}' end
log('workflow:' .. id, 'workflow_checkpoint', value(output), value(prev), agent, now)
return run_reply(1, k)
