-- KEYS: event-streams, stream-ages, closed-streams; ARGV: cutoff millis, closed cutoff millis, limit  =>  two lists
-- of the ids of the streams retention must visit: first the first `limit` closed before the closed cutoff (to be
-- removed whole), then the first `limit` others whose oldest event is older than the cutoff, or every other stream
-- of a session written before stream ages were kept (more stream ids than ages; visiting them records their ages).
-- Each id once. Visiting removes or re-ages a stream, so asking again gives the next ones.
local closed = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2], 'LIMIT', 0, ARGV[3])
local aged
if redis.call('SCARD', KEYS[1]) > redis.call('ZCARD', KEYS[2]) then
  aged = redis.call('SMEMBERS', KEYS[1])
else
  aged = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[3])
end
if #closed == 0 then return {closed, aged} end
local seen, others = {}, {}
for _, id in ipairs(closed) do seen[id] = true end
for _, id in ipairs(aged) do
  if not seen[id] then others[#others + 1] = id end
end
return {closed, others}
