'use strict';
// The bundled handler of the benchmark: real libraries (lodash, moment with every locale, the AWS SDK v3
// DynamoDB client) doing a little of everything an API function does; DynamoDB answers from a fake HTTP
// handler, so a request is built, signed, sent, parsed, with no network. Bundled by esbuild (corpus.mjs).
const _ = require('lodash');
const moment = require('moment');
require('moment/min/locales');
const { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } = require('@aws-sdk/client-dynamodb');

const ITEM = JSON.stringify({ Item: { id: { S: '42' }, name: { S: 'Ada' }, visits: { N: '7' }, tags: { SS: ['a', 'b'] } } });
const QUERY = JSON.stringify({ Count: 2, Items: [{ id: { S: '1' } }, { id: { S: '2' } }], ScannedCount: 2 });
const fakeHttp = {
  async handle(request) {
    const target = request.headers['x-amz-target'] || '';
    const body = target.endsWith('GetItem') ? ITEM : target.endsWith('Query') ? QUERY : '{}';
    return {
      response: {
        statusCode: 200,
        reason: 'OK',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'bench' },
        body: Buffer.from(body),
      },
    };
  },
  updateHttpClientConfig() {},
  httpHandlerConfigs() {
    return {};
  },
};
const client = new DynamoDBClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' },
  requestHandler: fakeHttp,
  maxAttempts: 1,
});

const LOCALES = ['en', 'fr', 'de', 'ja', 'es', 'pt-br', 'ru', 'zh-cn'];
const users = _.range(60).map((i) => ({ id: i, name: _.startCase(`user number ${i}`), team: ['red', 'green', 'blue'][i % 3], score: (i * 37) % 101 }));

let takeSession = null;
/** Times `n` takes of this process's precise coverage (the layer benchmark's reference for the bundled handler). */
function takeCost(n) {
  const inspector = require('node:inspector');
  const post = (method, params) => {
    let out;
    takeSession.post(method, params, (error, result) => {
      if (error) throw error;
      out = result;
    });
    return out;
  };
  if (!takeSession) {
    takeSession = new inspector.Session();
    takeSession.connect();
    post('Profiler.enable');
    post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    post('Profiler.takePreciseCoverage');
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { takeMs: ms };
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

exports.handler = async (event = {}) => {
  if (event.rss) return memory();
  if (event.bench === 'take') return takeCost(event.n || 10);
  const teams = _.mapValues(_.groupBy(users, 'team'), (members) => _.meanBy(members, 'score'));
  const top = _.take(_.orderBy(users, ['score', 'id'], ['desc', 'asc']), 5).map((u) => _.pick(u, ['id', 'name']));
  const when = moment.utc(1700000000000 + (event.day || 0) * 86400000);
  const dates = LOCALES.map((l) => when.clone().locale(l).format('LLLL'));
  const relative = when.clone().locale('fr').from(moment.utc(1700000000000 + 7 * 86400000));
  const got = await client.send(new GetItemCommand({ TableName: 'users', Key: { id: { S: String(event.id || 42) } } }));
  await client.send(new PutItemCommand({ TableName: 'users', Item: { id: { S: 'x' }, at: { S: when.toISOString() } } }));
  const q = await client.send(
    new QueryCommand({ TableName: 'users', KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': { S: '1' } } }),
  );
  return {
    statusCode: 200,
    body: JSON.stringify({ teams, top, dates, relative, item: got.Item, count: q.Count, slug: _.kebabCase(got.Item.name.S) }),
  };
};

exports.sampleEvent = { id: 42, day: 3 };
