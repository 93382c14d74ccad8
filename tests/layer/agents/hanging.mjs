// Test agent: beforeLoad and afterInvoke never settle (and hold no handle).
export function beforeLoad() {
  return new Promise(() => {});
}
export function beforeInvoke() {}
export function afterInvoke() {
  return new Promise(() => {});
}
