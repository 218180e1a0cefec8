import { promises as fs } from 'fs';
import type { Plugin } from 'esbuild';

/**
 * An AWS SDK client describes every operation of its service in one module of schemas
 * (`dist-es/schemas/schemas_0.js`), and its object literals use computed keys of module constants
 * (`{ [_h]: ["GET", ...] }` with `const _h = "http"`). esbuild cannot prove a computed key free of
 * side effects, so it keeps every schema of the service, called or not: for Customer Profiles about
 * 48 KB that every cold start parses and runs. Written as the string literals they are, the keys
 * leave the schemas pure, and esbuild drops those the bundle never reaches.
 */

/** The SDK modules rewritten: a generated client's schemas. */
export const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * `source` with each computed key `[_x]:` that follows `{` or `,` replaced by the literal of the
 * module's `const _x = "...";`, and how many were replaced. A key of anything else stays as it is.
 */
export function literalSchemaKeys(source: string): { readonly source: string; readonly replaced: number } {
  const constants = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) {
    constants.set(name, literal);
  }
  let replaced = 0;
  const rewritten = source.replace(/([{,]\s*)\[(_\w+)\](\s*:)/g, (key, before: string, name: string, colon: string) => {
    const literal = constants.get(name);
    if (literal === undefined) {
      return key;
    }
    replaced++;
    return `${before}${literal}${colon}`;
  });
  return { source: rewritten, replaced };
}

/** The esbuild plugin that applies `literalSchemaKeys` to the SDK's schema modules. */
export const literalSchemaKeysPlugin: Plugin = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: literalSchemaKeys(await fs.readFile(args.path, 'utf8')).source,
      loader: 'js',
    }));
  },
};
