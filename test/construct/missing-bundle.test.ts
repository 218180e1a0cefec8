import * as fs from 'fs';
import { EventStreamLookup } from '../../src';
import { testStack } from '../fixtures/stacks';

/** A checkout that was never built: the first lookup says where the handler's bundle should be and how to make it. */

jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  return { ...actual, existsSync: jest.fn(actual.existsSync) };
});

test('without the bundled handler, the first lookup says where it looked and what to run', () => {
  const existsSync = jest.mocked(fs.existsSync);
  existsSync.mockImplementation((file) => !/assets[\\/]lambda[\\/]index[\\/]index\.js$/.test(String(file)));
  expect(() => new EventStreamLookup(testStack(), 'Orders', { domainName: 'retail-profiles', eventStreamName: 'orders' }))
    .toThrow(/^EventStreamLookup: the bundled handler is missing at .*assets[\\/]lambda[\\/]index; run "npx projen bundle"\.$/);
  expect(existsSync).toHaveBeenCalledWith(expect.stringMatching(/assets[\\/]lambda[\\/]index[\\/]index\.js$/));
});
