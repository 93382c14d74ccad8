'use strict';
// The small hand-written handler of the benchmark: routing, validation and a little arithmetic, the kind
// of code a thin API function holds. `{rss: true}` answers the process's memory (the layer benchmark reads it).

const PRICES = { apple: 120, pear: 95, plum: 60, fig: 210 };

function parseBody(event) {
  if (!event || event.body === undefined || event.body === null) return {};
  if (typeof event.body === 'object') return event.body;
  try {
    return JSON.parse(event.body);
  } catch {
    return null;
  }
}

function validateOrder(order) {
  const problems = [];
  if (!Array.isArray(order.items) || order.items.length === 0) problems.push('items: at least one');
  else {
    for (const [i, item] of order.items.entries()) {
      if (!(item.sku in PRICES)) problems.push(`items[${i}].sku: unknown ${item.sku}`);
      if (!Number.isInteger(item.quantity) || item.quantity < 1) problems.push(`items[${i}].quantity: a whole number from 1`);
    }
  }
  if (order.coupon !== undefined && typeof order.coupon !== 'string') problems.push('coupon: a string');
  return problems;
}

function discountOf(coupon, subtotal) {
  switch (coupon) {
    case 'TENOFF':
      return Math.min(1000, subtotal);
    case 'HALF':
      return Math.floor(subtotal / 2);
    case undefined:
      return 0;
    default:
      return 0;
  }
}

function priceOrder(order) {
  let subtotal = 0;
  for (const item of order.items) subtotal += PRICES[item.sku] * item.quantity;
  const discount = discountOf(order.coupon, subtotal);
  const tax = Math.round((subtotal - discount) * 0.2);
  return { subtotal, discount, tax, total: subtotal - discount + tax };
}

function respond(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The process's memory, as is and after a full garbage collection (`{rss: true}`, for the layer benchmark). */
function memory() {
  const m = process.memoryUsage();
  const v8 = require('node:v8');
  v8.setFlagsFromString('--expose-gc');
  require('node:vm').runInNewContext('gc')();
  const g = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, gcRss: g.rss, gcHeapUsed: g.heapUsed, gcExternal: g.external };
}

exports.handler = async (event) => {
  if (event && event.rss) return memory();
  const route = `${(event && event.httpMethod) || 'GET'} ${(event && event.path) || '/'}`;
  switch (route) {
    case 'GET /health':
      return respond(200, { ok: true });
    case 'POST /orders': {
      const order = parseBody(event);
      if (order === null) return respond(400, { error: 'body is not JSON' });
      const problems = validateOrder(order);
      if (problems.length > 0) return respond(422, { problems });
      return respond(201, priceOrder(order));
    }
    default:
      return respond(404, { error: `no route ${route}` });
  }
};

/** One typical invocation (the corpus runs it; the layer benchmark sends the same event). */
exports.sampleEvent = {
  httpMethod: 'POST',
  path: '/orders',
  body: JSON.stringify({ items: [{ sku: 'apple', quantity: 3 }, { sku: 'fig', quantity: 1 }], coupon: 'TENOFF' }),
};
