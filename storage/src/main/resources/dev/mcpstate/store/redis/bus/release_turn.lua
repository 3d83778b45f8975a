-- KEYS: the task's turn key; ARGV: owner  =>  1 when the owner held the turn and gave it up, else 0
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
