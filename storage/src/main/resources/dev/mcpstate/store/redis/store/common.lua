-- Prelude of the session and event store scripts. Every key in KEYS is a key of one session (the {sessionId}
-- hash tag), so each script runs in one hash slot. Times arrive in ARGV as epoch milliseconds from the
-- caller's clock; scripts never read Redis time.

-- Sets the cleanup expiry (milliseconds) on every key in KEYS.
local function refresh_expiry(ttl)
  for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
end

-- Appends one event. KEYS: seq, events, event-streams; ARGV: ttl, maxlen, streamId, t, dir, msg.
-- The entry id is <n>-0 with n from the session-wide counter, so ids are unique across the session's streams.
local function append_entry()
  local id = string.format('%d-0', redis.call('INCR', KEYS[1]))
  redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id, 't', ARGV[4], 'dir', ARGV[5], 'msg', ARGV[6])
  redis.call('SADD', KEYS[3], ARGV[3])
  return id
end

-- Sets the closed flag of a stream's "KIND|closed|openedAt|owner" in the streams hash; returns the old value
-- or false when the stream is not stored.
local function close_stream(hash, stream)
  local v = redis.call('HGET', hash, stream)
  if v then redis.call('HSET', hash, stream, (string.gsub(v, '^([^|]*)|0|', '%1|1|', 1))) end
  return v
end
