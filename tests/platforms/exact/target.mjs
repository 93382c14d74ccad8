// A function without blocks of its own (no branch, no loop) is counted only through its call count, which
// code optimized by Maglev or TurboFan (or inlined into such code) does not update.
export function helper(x) {
  return x * 2 + 1;
}

export function handler(n) {
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += helper(i + n);
  return sum;
}
