-- Opens the response stream of a request and appends the request, while the session is live.
-- KEYS: seq, events, event-streams, streams, session; ARGV: see append_entry, then stream info
--   =>  entry id, or nil (nothing written) when the session is not stored, CLOSED or EXPIRED
local s = redis.call('HGET', KEYS[5], 'status')
if not s or s == 'CLOSED' or s == 'EXPIRED' then return false end
redis.call('HSETNX', KEYS[4], ARGV[3], ARGV[9])
return append_entry()
