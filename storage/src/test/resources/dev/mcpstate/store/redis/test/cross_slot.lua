-- A script that breaks the one-slot rule: KEYS[1] is declared, ARGV[1] is a key of another slot it touches anyway.
redis.call('SET', KEYS[1], '1')
redis.call('SET', ARGV[1], '1')
return 1
