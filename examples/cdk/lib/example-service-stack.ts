/**
 * The example service (examples/serverless-example) as a CDK stack with the v8-footprints layer:
 * - the layer version ARN for the stack's region (docs/regions.md) in the LayerArn parameter;
 * - AWS_LAMBDA_EXEC_WRAPPER=/opt/sealights-extension turns the layer on (the handler stays the function's own);
 * - SL_TOKEN and SL_BUILD_SESSION_ID from a Secrets Manager secret (a JSON object with those keys), as
 *   CloudFormation dynamic references resolved at deploy time: the template holds no secret;
 * - arm64 (the layer is JavaScript and WebAssembly only: x86_64 works the same).
 */
import * as path from 'node:path';
import { CfnOutput, CfnParameter, Duration, SecretValue, Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export class ExampleServiceStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const layerArn = new CfnParameter(this, 'LayerArn', {
      type: 'String',
      description: 'The v8-footprints layer version ARN in this region (docs/regions.md)',
      allowedPattern: '^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:layer:[A-Za-z0-9_-]+:\\d+$',
    });
    const settingsName = new CfnParameter(this, 'SealightsSettingsName', {
      type: 'String',
      description: 'The Secrets Manager secret holding SL_TOKEN and SL_BUILD_SESSION_ID (JSON keys)',
      default: 'v8-footprints/sealights',
    });
    // A dynamic reference in an environment variable: CloudFormation resolves it when it deploys.
    const fromSecret = (key: string) => SecretValue.secretsManager(settingsName.valueAsString, { jsonField: key }).unsafeUnwrap();

    const fn = new lambda.Function(this, 'ApiFunction', {
      code: lambda.Code.fromAsset(path.join(__dirname, '../../../serverless-example'), { exclude: ['node_modules', 'serverless.yml', '.serverless'] }),
      handler: 'src/test-lambda-1/index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      layers: [lambda.LayerVersion.fromLayerVersionArn(this, 'V8Footprints', layerArn.valueAsString)],
      environment: {
        AWS_LAMBDA_EXEC_WRAPPER: '/opt/sealights-extension',
        SL_TOKEN: fromSecret('SL_TOKEN'),
        SL_BUILD_SESSION_ID: fromSecret('SL_BUILD_SESSION_ID'),
        SL_PROJECT_ROOT: './src',
      },
    });
    const url = fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    new CfnOutput(this, 'FunctionUrl', { value: url.url });
  }
}
