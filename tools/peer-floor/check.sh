#!/usr/bin/env bash
# The packed library in a fresh `cdk init` app pinned to the oldest aws-cdk-lib of the peer range:
# npm must accept the install (no ERESOLVE) and `cdk synth` must produce the lookup and its
# function. Needs the npm registry and dist/js/*.tgz (`npx projen package:js`). CI runs it in its
# oldest-release pass (.ci/run); `npx projen peer-floor` runs it locally.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
min="$(node -p "require('$repo/package.json').peerDependencies['aws-cdk-lib'].replace(/^\\^/, '')")"
tarball="$(ls "$repo"/dist/js/cdk-event-stream-lookup@*.tgz "$repo"/dist/js/*.tgz 2>/dev/null | head -1 || true)"
if [ -z "$tarball" ]; then
  echo "no dist/js/*.tgz: run 'npx projen package:js' first" >&2
  exit 1
fi
cli="$repo/node_modules/.bin/cdk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CDK_DISABLE_CLI_TELEMETRY=true CDK_HOME="$work/.cdk"

mkdir "$work/floor-app" && cd "$work/floor-app"
"$cli" init app --language=typescript --generate-only --no-notices >/dev/null 2>&1
# What a team on the oldest supported release has: aws-cdk-lib pinned there, then this library.
npm install --no-audit --no-fund --loglevel=error --save-exact "aws-cdk-lib@$min" >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
installed="$(node -p "require('aws-cdk-lib/package.json').version")"
[ "$installed" = "$min" ] || { echo "aws-cdk-lib $installed installed, expected $min" >&2; exit 1; }

stack_file="$(ls lib/*-stack.ts)"
stack_class="$(grep -o 'export class [A-Za-z0-9]*' "$stack_file" | awk '{print $3}')"
# The generated stack, its body replaced by lookups (bin/ and test/ stay as generated).
sed "s/FloorAppStack/$stack_class/" > "$stack_file" <<'TS'
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { EventStreamLookup, EventStreamLookupProvider } from 'cdk-event-stream-lookup';

export class FloorAppStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    // The provider is configured once, ahead of the stack's first lookup.
    EventStreamLookupProvider.of(this).configure({
      vpc: ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] }),
      tracing: lambda.Tracing.ACTIVE,
    });
    const orders = new EventStreamLookup(this, 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' });
    const reader = new iam.Role(this, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    orders.destinationStream.grantRead(reader);
    new cdk.CfnOutput(this, 'OrdersArn', { value: orders.eventStreamArn });
  }
}
TS
if ! "$cli" synth --no-notices --quiet > "$work/synth.log" 2>&1; then
  cat "$work/synth.log" >&2
  exit 1
fi
template="$(ls cdk.out/*.template.json | head -1)"
node -e "
const t = require('./' + process.argv[1]);
const types = Object.values(t.Resources).map((r) => r.Type);
const fn = Object.values(t.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
if (!types.includes('Custom::EventStreamLookup')) throw new Error('no lookup in the template');
if (fn.Properties.Runtime !== 'nodejs24.x' || !fn.Properties.VpcConfig) throw new Error('unexpected function: ' + JSON.stringify(fn.Properties));
console.log('peer floor: cdk-event-stream-lookup installs into a cdk init app on aws-cdk-lib $min and synthesizes (' + types.length + ' resources)');
" "$template"
