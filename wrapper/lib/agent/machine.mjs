/**
 * What the start event (1001) says about the machine beyond `process`: the number of CPUs online, read from
 * Linux's `/sys/devices/system/cpu/online` (a list of ranges such as `0-1` or `0,2-3`) rather than from
 * `node:os`, whose module and bindings the function would otherwise load for this one number (0.3 MB).
 */
import { fs } from '../builtins.mjs';

const ONLINE = '/sys/devices/system/cpu/online';

/** The CPUs in a kernel CPU list (`0-3,6`), or undefined when the text is not one. */
export function countCpuList(text) {
  const list = String(text).trim();
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(list)) return undefined;
  let count = 0;
  for (const part of list.split(',')) {
    const [first, last = first] = part.split('-').map(Number);
    if (last < first) return undefined;
    count += last - first + 1;
  }
  return count;
}

/** The number of CPUs online, or undefined where the kernel does not say (not Linux, no /sys). */
export function onlineCpus(read = () => fs.readFileSync(ONLINE, 'utf8')) {
  try {
    return countCpuList(read());
  } catch {
    return undefined;
  }
}
