// Test agent: appends one JSON line per hook call to the file named by V8FP_TEST_RECORD.
import fs from 'node:fs';

const record = (entry) => fs.appendFileSync(process.env.V8FP_TEST_RECORD, `${JSON.stringify({ ...entry, pid: process.pid })}\n`);

export function beforeLoad() {
  record({ hook: 'beforeLoad', awslambda: typeof globalThis.awslambda });
}
export function beforeInvoke(event, context) {
  record({ hook: 'beforeInvoke', event, requestId: context?.awsRequestId });
}
export async function afterInvoke(outcome, context) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  record({ hook: 'afterInvoke', outcome, requestId: context?.awsRequestId });
}
