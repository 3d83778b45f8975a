-- Appends several events of one stream in order, in one atomic step, and closes the stream with the last of them
-- when ARGV[10] is '1'. KEYS, ARGV: see common.lua, with ARGV[6] unused and the messages in ARGV[11..]
--   =>  the last entry's id (the others precede it one by one: ids are <n>-0 from the session-wide counter)
check_preceding()
local entries = {}
for i = 11, #ARGV do entries[#entries + 1] = {ARGV[5], ARGV[i]} end
local id = add_entries(entries)
if ARGV[10] == '1' then close_stream(KEYS[4], KEYS[6], ARGV[3], ARGV[4], ARGV[1]) end
appended()
return id
