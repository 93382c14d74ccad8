/**
 * The test an invocation belongs to, from the headers of the HTTP request that reached the function, as
 * API Gateway (REST and HTTP APIs), ALB and function URLs put them in the event: `x-sl-test-name`, else the
 * test part of `x-sl-testid: <executionId>/<testName>`, in any letter case; `null` when none is there.
 */
export function testNameOf(event) {
  if (!event || typeof event !== 'object') return null;
  const name = header(event, 'x-sl-test-name');
  if (name) return name;
  const testId = header(event, 'x-sl-testid');
  if (!testId) return null;
  const slash = testId.indexOf('/');
  return slash >= 0 ? testId.slice(slash + 1) || null : testId;
}

function header(event, wanted) {
  for (const key of ['headers', 'multiValueHeaders']) {
    const headers = event[key];
    if (!headers || typeof headers !== 'object') continue;
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() !== wanted) continue;
      const value = Array.isArray(headers[name]) ? headers[name][0] : headers[name];
      if (typeof value === 'string' && value.trim()) return value.trim();
    }
  }
  return null;
}
