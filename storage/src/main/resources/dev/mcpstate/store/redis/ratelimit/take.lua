-- Takes one token from a token bucket. The arithmetic is dev.mcpstate.store.internal.TokenBucket.take's, step for
-- step (IEEE doubles in both), so Redis decides as the other backends do.
-- KEYS[1]: the bucket, a hash {tokens = fractional tokens, at = epoch millis they are counted up to}; one key, so
--          one hash slot.
-- ARGV: capacity, refill per second, now (epoch millis of the caller's clock; scripts never read Redis time),
--       idle expiry (millis of real time after which the untouched bucket is full anyway and may vanish)
-- => {allowed 0|1, whole tokens remaining, millis until the next whole token}
local capacity, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then
  tokens, at = capacity, now
else
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
  at = math.max(at, now)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
local wait = 0
if tokens < 1 then
  -- the fewest whole millis after which the refill (the same expression as above) reaches one token
  wait = math.ceil((1 - tokens) * 1000 / rate)
  if tokens + wait * rate / 1000 < 1 then
    wait = wait + 1
  elseif wait > 1 and tokens + (wait - 1) * rate / 1000 >= 1 then
    wait = wait - 1
  end
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {allowed, math.floor(tokens), wait}
