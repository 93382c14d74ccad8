// A Lambda-like entry: routes an API Gateway style event to the helpers.
import { Greeter, Counter } from './greeter';
import { describeDuration, parseDuration, neverCalled } from './duration';
import { words, titleCase, first, formatter } from './lib/text';

export interface ApiEvent {
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

export interface ApiResult {
  statusCode: number;
  body: string;
}

const respond = (statusCode: number, body: unknown): ApiResult => ({
  statusCode,
  body: JSON.stringify(body),
});

export async function handler(event: ApiEvent): Promise<ApiResult> {
  Counter.bump();
  if (event.path === '/greet') {
    const greeter = Greeter.create(event.body ?? 'world');
    return respond(200, { message: greeter.greet(), calls: Counter.total });
  } else if (event.path === '/duration') {
    const ms = parseDuration(event.body ?? '1m');
    return respond(200, { ms, text: describeDuration(ms), words: words(titleCase('took some time')) });
  }
  if (event.path === '/never') {
    return respond(500, formatter.line(first([neverCalled()], '')) + formatter.width);
  }
  return respond(404, { error: `no route ${event.path}` });
}

export const unusedExport = async (event: ApiEvent) => {
  return respond(418, event.path);
};
