#!/usr/bin/env node
/**
 * The CDK app: one stack with the example service and the v8-footprints layer. The account and region come
 * from the CDK CLI's environment (CDK_DEFAULT_ACCOUNT, CDK_DEFAULT_REGION), so `cdk synth` runs offline.
 */
import { App } from 'aws-cdk-lib';
import { ExampleServiceStack } from '../lib/example-service-stack';

const app = new App();
new ExampleServiceStack(app, 'V8FootprintsExample', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
