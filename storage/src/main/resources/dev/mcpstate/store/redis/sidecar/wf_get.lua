-- ARGV: run_id  =>  {run fields...} ({} when unknown), {step, output, ...}
local k = run_key(ARGV[1])
return {redis.call('HGETALL', k), redis.call('HGETALL', k .. ':steps')}
