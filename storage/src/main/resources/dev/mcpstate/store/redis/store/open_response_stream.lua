-- Opens the response stream of a request with the request and the first event sent on it, while the session is
-- live. KEYS: see common.lua, then KEYS[7] session; ARGV: see common.lua (dir and msg: the request), then
-- ARGV[10] stream info, ARGV[11] first event ('' for none), ARGV[12] '1' when that event (or the request) ends the
-- stream  =>  the entry id of the first event (of the request without one), or nil when the session is not stored,
-- CLOSED or EXPIRED (nothing written)
local s = redis.call('HGET', KEYS[7], 'status')
if not s or s == 'CLOSED' or s == 'EXPIRED' then return false end
local info = ARGV[10]
if ARGV[12] == '1' then
  info = (string.gsub(info, '^([^|]*)|0|', '%1|1|', 1))
end
local opened = redis.call('HSETNX', KEYS[4], ARGV[3], info) == 1
if ARGV[12] == '1' then
  if opened then
    record_close(KEYS[6], ARGV[3], ARGV[4], ARGV[1])
  else
    close_stream(KEYS[4], KEYS[6], ARGV[3], ARGV[4], ARGV[1]) -- opened before (a retry): closed all the same
  end
end
local entries = {{ARGV[5], ARGV[6]}}
if ARGV[11] ~= '' then entries[2] = {'SERVER_TO_CLIENT', ARGV[11]} end
local id = add_entries(entries)
if opened then
  -- no wake-up: nobody can follow a new stream yet, anywhere. A follower on another node starts only from an event
  -- id of this stream, which its client gets with this script's reply (or the priming id before it: then the stream
  -- is not stored yet, or stored with these events, which the follower reads)
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
else
  appended() -- a retry of an open that landed: a follower may be waiting
end
return id
