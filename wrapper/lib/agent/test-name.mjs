/**
 * The test an invocation belongs to, from the HTTP request that reached the function, as API Gateway (REST
 * and HTTP APIs), ALB and function URLs put it in the event: the `x-sl-test-name` header, else the test part
 * of the `x-sl-testid: <executionId>/<testName>` header, else the same from an `x-sl-testid` cookie (API
 * Gateway HTTP APIs and function URLs put cookies in `event.cookies`; REST APIs and ALB in the `cookie`
 * header), as the vendor's agent reads it. Names in any letter case; `null` when none is there.
 */
export function testNameOf(event) {
  if (!event || typeof event !== 'object') return null;
  const name = header(event, 'x-sl-test-name');
  if (name) return name;
  const testId = header(event, 'x-sl-testid') || cookie(event, 'x-sl-testid');
  if (!testId) return null;
  const slash = testId.indexOf('/');
  return slash >= 0 ? testId.slice(slash + 1).trim() || null : testId;
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

/** The value of cookie `wanted` (URL-decoded when it decodes), from `event.cookies` or the `cookie` header(s). */
function cookie(event, wanted) {
  // Appended one by one: spreading a long list into push() throws (a direct invocation may carry any event).
  const pairs = [];
  if (Array.isArray(event.cookies)) for (const pair of event.cookies) pairs.push(pair);
  for (const key of ['headers', 'multiValueHeaders']) {
    const headers = event[key];
    if (!headers || typeof headers !== 'object') continue;
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() !== 'cookie') continue;
      for (const value of [headers[name]].flat()) if (typeof value === 'string') for (const pair of value.split(';')) pairs.push(pair);
    }
  }
  for (const pair of pairs) {
    if (typeof pair !== 'string') continue;
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== wanted) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not URL-encoded: taken as it is.
    }
    if (value.trim()) return value.trim();
  }
  return null;
}
