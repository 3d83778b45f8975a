-- Prelude of every sidecar script. KEYS[1] is the key base of one tenant, "<prefix>:sidecar:{sc}:" (anonymous) or
-- "<prefix>:sidecar:{sc:<tenant>}:"; every key a script touches is built from it, so a script sees one tenant only,
-- and the hash tag keeps them all in one cluster slot.
-- Times arrive in ARGV as epoch milliseconds computed from the caller's clock; scripts never read Redis time.
local B = KEYS[1]

-- '' and false (a missing hash field) mean "absent"
local function opt(v)
  if v == nil or v == false or v == '' then return nil end
  return v
end

local function num(v) return tonumber(v) end

local function fmt(n) return string.format('%d', n) end

-- a JSON string literal, or nil
local function jstr(s)
  if s == nil then return nil end
  return cjson.encode(s)
end

local function live(expires_at, now)
  return expires_at == nil or num(expires_at) > num(now)
end

-- Appends one history entry and returns its id.
local function log(key, op, new, prev, agent, now)
  local id = redis.call('HINCRBY', B .. 'seq', 'history', 1)
  local f = {'id', id, 'op', op, 'at', now}
  if key then f[#f + 1] = 'key'; f[#f + 1] = key end
  if new then f[#f + 1] = 'new'; f[#f + 1] = new end
  if prev then f[#f + 1] = 'prev'; f[#f + 1] = prev end
  if agent then f[#f + 1] = 'agent'; f[#f + 1] = agent end
  redis.call('HSET', B .. 'h:' .. id, unpack(f))
  redis.call('ZADD', B .. 'h:all', id, id)
  if key then
    redis.call('ZADD', B .. 'h:k:' .. key, id, id)
    redis.call('SADD', B .. 'h:keys', key)
  end
  return id
end

local function run_key(id) return B .. 'wf:' .. id end

-- status, claimer and claim expiry of a run, for the workflow rules below
local function run_state(k)
  local s = redis.call('HMGET', k, 'status', 'agent_id', 'claim_expires_at')
  return s[1], opt(s[2]), opt(s[3])
end

local function in_progress(status) return status == 'claimed' or status == 'running' end

-- {applied, field, value, ...}
local function run_reply(applied, k)
  local r = redis.call('HGETALL', k)
  table.insert(r, 1, applied)
  return r
end

-- the lease row of a resource: holder, expires_at, token, is_live (holder nil when none)
local function lease_of(res, now)
  local holder = opt(redis.call('HGET', B .. 'lease:holder', res))
  if not holder then return nil, nil, nil, false end
  local exp = redis.call('HGET', B .. 'lease:exp', res)
  return holder, exp, redis.call('HGET', B .. 'lease:tok', res), live(exp, now)
end

-- the live value, version and expiry of a key, or nil
local function live_kv(key, now)
  local v = redis.call('HGET', B .. 'kv:val', key)
  if not v then return nil end
  local exp = opt(redis.call('HGET', B .. 'kv:exp', key))
  if not live(exp, now) then return nil end
  return v, redis.call('HGET', B .. 'kv:ver', key), exp
end

-- drops up to 100 expired keys (bounded work per write); expiry is judged by the caller's clock
local function purge_expired(now)
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', B .. 'kv:expz', '-inf', now, 'LIMIT', 0, 100)) do
    redis.call('HDEL', B .. 'kv:val', key)
    redis.call('HDEL', B .. 'kv:ver', key)
    redis.call('HDEL', B .. 'kv:exp', key)
    redis.call('ZREM', B .. 'kv:expz', key)
  end
end
