-- Appends one event. KEYS, ARGV: see common.lua  =>  entry id
check_preceding()
local id = add_entry(ARGV[5], ARGV[6])
appended()
return id
