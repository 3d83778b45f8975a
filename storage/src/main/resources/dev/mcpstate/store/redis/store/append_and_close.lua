-- Appends a stream's last event and closes the stream. KEYS, ARGV: see common.lua  =>  entry id
check_preceding()
local id = add_entry(ARGV[5], ARGV[6])
close_stream(KEYS[4], KEYS[6], ARGV[3], ARGV[4], ARGV[1])
appended()
return id
