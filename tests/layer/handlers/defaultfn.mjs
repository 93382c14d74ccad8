export default async function (event) {
  return { from: 'default export function', event };
}
