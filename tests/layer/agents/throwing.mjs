// Test agent: every hook fails (throws, or rejects).
export function beforeLoad() {
  throw new Error('beforeLoad exploded');
}
export function beforeInvoke() {
  throw new TypeError('beforeInvoke exploded');
}
export async function afterInvoke() {
  throw new RangeError('afterInvoke exploded');
}
