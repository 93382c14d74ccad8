/**
 * Stands in for /var/runtime/index.mjs of the nodejs18/20/22 images: runs aws-lambda-ric 3.x (installed by
 * setup.sh into .cache/runtimes/ric3) on the task root and handler of the environment.
 */
import { run } from '../../.cache/runtimes/ric3/node_modules/aws-lambda-ric/dist/index.mjs';

await run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);
