-- ARGV: run_id, agent, claim_ttl_ms|'', claim_expires_at|'', now  =>  {0} unknown | {applied, run fields...}
local id, agent, ttl, exp, now = ARGV[1], ARGV[2], opt(ARGV[3]), opt(ARGV[4]), ARGV[5]
local k = run_key(id)
if redis.call('EXISTS', k) == 0 then return {0} end
local status, holder, claim_exp = run_state(k)
-- claimable: never claimed; in progress without claimer; or the claim lease has lapsed
local claimable = status == 'created'
  or (in_progress(status) and (holder == nil or (claim_exp ~= nil and num(claim_exp) <= num(now))))
if not claimable then return run_reply(0, k) end
redis.call('HINCRBY', k, 'fencing_token', 1)
redis.call('HSET', k, 'status', 'claimed', 'agent_id', agent, 'updated_at', now)
if ttl then
  redis.call('HSET', k, 'claim_ttl_ms', ttl, 'claim_expires_at', exp)
else
  redis.call('HDEL', k, 'claim_ttl_ms', 'claim_expires_at')
end
local op = status == 'created' and 'workflow_claim' or 'workflow_reclaim'
log('workflow:' .. id, op, jstr('claimed'), jstr(status), agent, now)
return run_reply(1, k)
