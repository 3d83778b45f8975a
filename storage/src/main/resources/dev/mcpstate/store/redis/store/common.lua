-- Prelude of the session and event store scripts. Every key in KEYS is a key of one session (the {sessionId}
-- hash tag), so each script runs in one hash slot. Times arrive in ARGV as epoch milliseconds from the
-- caller's clock; scripts never read Redis time.
--
-- The append scripts share KEYS: seq, events, event-streams, streams, stream-ages, closed-streams[, session] and
-- ARGV: ttl, maxlen,
-- streamId, t, dir, msg, wake channel, publish command ('SPUBLISH', 'PUBLISH', or '' for none), events the stream must
-- hold already ('' for any number)[, more].
--
-- The streams hash also counts each stream's events, in the field '<streamId>#n' (appended in total, trimmed ones
-- included), so a producer that pipelines its appends can make each one conditional on the ones before it.

-- Sets the cleanup expiry (milliseconds) on every key in KEYS.
local function refresh_expiry(ttl)
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
end

-- Refuses the append (nothing written) when ARGV[9] names how many events the stream must hold already and it holds
-- another number: an earlier append of the same producer was lost, and this one must not leave a hole after it.
local function check_preceding()
  if ARGV[9] == '' then return end
  local have = tonumber(redis.call('HGET', KEYS[4], ARGV[3] .. '#n') or '0')
  if have ~= tonumber(ARGV[9]) then
    return error({err = 'STREAMGAP stream ' .. ARGV[3] .. ' holds ' .. have .. ' events, not ' .. ARGV[9]})
  end
end

-- Adds entries to the stream, in order: a list of {dir, msg}. Entry ids are <n>-0 with n from the session-wide
-- counter, so ids are unique across the session's streams and increase. The counter, the set of stream ids and
-- their ages get their cleanup expiry when created; the session's other keys get theirs when the session is
-- touched. A stream's age (score in stream-ages) is the time of its oldest event: set by its first event, and again
-- by the first event after retention emptied it ('inf'). Returns the last entry's id.
local function add_entries(entries)
  local count = #entries
  local n = redis.call('INCRBY', KEYS[1], count)
  if n == count then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
  local id
  for i = 1, count do
    id = string.format('%d-0', n - count + i)
    redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id, 't', ARGV[4], 'dir', entries[i][1], 'msg', entries[i][2])
  end
  if redis.call('SADD', KEYS[3], ARGV[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[1]) end
  local age = redis.call('ZSCORE', KEYS[5], ARGV[3])
  if not age or age == 'inf' then
    if redis.call('ZADD', KEYS[5], ARGV[4], ARGV[3]) == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[1]) end
  end
  redis.call('HINCRBY', KEYS[4], ARGV[3] .. '#n', count)
  return id
end

local function add_entry(dir, msg)
  return add_entries({{dir, msg}})
end

-- After a script's entries: the events key's cleanup expiry, and the stream id published on the session's wake
-- channel (same hash slot), so followers on other nodes read at once.
local function appended()
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  if ARGV[8] ~= '' then redis.call(ARGV[8], ARGV[7], ARGV[3]) end
end

-- Records that a stream closed at t (epoch millis) in the sorted set closes (closed-streams), unless it closed
-- before: retention removes a stream whole once it closed long enough ago.
local function record_close(closes, stream, t, ttl)
  redis.call('ZADD', closes, 'NX', t, stream)
  redis.call('PEXPIRE', closes, ttl)
end

-- Sets the closed flag of a stream's "KIND|closed|openedAt|owner" in the streams hash and records when it closed;
-- returns the old value or false when the stream is not stored (nothing written).
local function close_stream(hash, closes, stream, t, ttl)
  local v = redis.call('HGET', hash, stream)
  if v then
    redis.call('HSET', hash, stream, (string.gsub(v, '^([^|]*)|0|', '%1|1|', 1)))
    record_close(closes, stream, t, ttl)
  end
  return v
end
