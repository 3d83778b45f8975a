-- ARGV: run_id, name, tags_json, now  =>  {} when the id exists | {field, value, ...}
local id, name, tags, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local k = run_key(id)
if redis.call('EXISTS', k) == 1 then return {} end
local seq = redis.call('HINCRBY', B .. 'seq', 'workflow', 1)
redis.call('HSET', k, 'run_id', id, 'name', name, 'status', 'created', 'tags', tags, 'fencing_token', 0,
  'created_at', now, 'updated_at', now)
redis.call('ZADD', B .. 'wf:index', seq, id)
log('workflow:' .. id, 'workflow_create', jstr('created'), nil, nil, now)
return redis.call('HGETALL', k)
