-- Prelude of the session and event store scripts. Every key in KEYS is a key of one session (the {sessionId}
-- hash tag), so each script runs in one hash slot. Times arrive in ARGV as epoch milliseconds from the
-- caller's clock; scripts never read Redis time.

-- Sets the cleanup expiry (milliseconds) on every key in KEYS.
local function refresh_expiry(ttl)
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
end

-- Appends one event. KEYS: seq, events, event-streams; ARGV: ttl, maxlen, streamId, t, dir, msg, wake channel,
-- publish command ('SPUBLISH', 'PUBLISH', or '' for none).
-- The entry id is <n>-0 with n from the session-wide counter, so ids are unique across the session's streams.
-- The events key gets its cleanup expiry; the session's other keys get theirs when the session is touched. The
-- stream id is published on the session's wake channel (same hash slot), so followers on other nodes read at once.
local function append_entry()
  local n = redis.call('INCR', KEYS[1])
  if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
  local id = string.format('%d-0', n)
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id, 't', ARGV[4], 'dir', ARGV[5], 'msg', ARGV[6])
  if redis.call('SADD', KEYS[3], ARGV[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[1]) end
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
  if ARGV[8] ~= '' then redis.call(ARGV[8], ARGV[7], ARGV[3]) end
  return id
end

-- Sets the closed flag of a stream's "KIND|closed|openedAt|owner" in the streams hash; returns the old value
-- or false when the stream is not stored.
local function close_stream(hash, stream)
  local v = redis.call('HGET', hash, stream)
  if v then redis.call('HSET', hash, stream, (string.gsub(v, '^([^|]*)|0|', '%1|1|', 1))) end
  return v
end
