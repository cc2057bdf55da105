import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run atomically by Redis, cached there by its SHA-1. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// The fence counter must outlive both the session and any lock on it, so that a token is never
// issued twice while someone could still hold it: writes and lock grants only lengthen its TTL.
const KEEP_FENCE = `
local function keepFence(key, ttl)
  local left = redis.call('PTTL', key)
  if left == -1 or (left >= 0 and left < tonumber(ttl)) then
    redis.call('PEXPIRE', key, ttl)
  end
end
`;

/** KEYS: session. ARGV: payload, ttlMs. Returns 1 when created, 0 when the id is taken. */
export const CREATE = lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', 1, 'd', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/**
 * The compare-and-set. KEYS: session, fence. ARGV: expected version, payload, ttlMs, fence or '',
 * the write's own id. Returns {'ok', version} | {'missing'} | {'fenced'} | {'stale', version}.
 * The fence is checked here, in the same atomic step as the write, or a lock could be taken
 * between check and write. The write's id is kept (`w`): the client sends a command again when
 * the connection was lost before its reply came, and a write that was done finds the version
 * moved on by itself. It is told it was done, as it was, rather than stale, which would make its
 * caller apply the change a second time.
 */
export const UPDATE = lua(`${KEEP_FENCE}
local version = redis.call('HGET', KEYS[1], 'v')
if not version then return {'missing'} end
if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[4] then return {'fenced'} end
if version ~= ARGV[1] then
  if redis.call('HGET', KEYS[1], 'w') == ARGV[5] then return {'ok', tonumber(version)} end
  return {'stale', tonumber(version)}
end
local nextVersion = tonumber(version) + 1
redis.call('HSET', KEYS[1], 'v', nextVersion, 'd', ARGV[2], 'w', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
keepFence(KEYS[2], ARGV[3])
return {'ok', nextVersion}
`);

/** KEYS: session, fence. ARGV: ttlMs. Returns 1 when the session exists. */
export const TOUCH = lua(`${KEEP_FENCE}
if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
keepFence(KEYS[2], ARGV[1])
return 1
`);

/**
 * KEYS: lock, fence. ARGV: lock ttlMs, fence ttlMs. Returns {token, 0} when granted, else
 * {0, ms the holder still has it}.
 */
export const LOCK = lua(`${KEEP_FENCE}
local left = redis.call('PTTL', KEYS[1])
if left ~= -2 then return {0, left} end
local token = redis.call('INCR', KEYS[2])
keepFence(KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return {token, 0}
`);

/** KEYS: lock. ARGV: token. Deletes the lock only if this token holds it; returns 1 if so. */
export const RELEASE = lua(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`);

/** KEYS: lock, fence. ARGV: token, ttlMs. Lengthens the lock only if this token holds it. */
export const EXTEND = lua(`${KEEP_FENCE}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
keepFence(KEYS[2], ARGV[2])
return 1
`);

/** Runs `script` by its SHA-1, sending the source once when this Redis has not cached it. */
export async function runScript(
  client: Redis,
  script: LuaScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}
