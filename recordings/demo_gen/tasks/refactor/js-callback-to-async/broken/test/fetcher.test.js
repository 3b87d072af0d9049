const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { readConfig } = require('../src/fetcher');

test('readConfig returns a promise of the parsed file', async () => {
  const cfg = await readConfig(path.join(__dirname, 'fixture.json'));
  assert.deepStrictEqual(cfg, { port: 8080 });
});

test('readConfig rejects on a missing file', async () => {
  await assert.rejects(readConfig(path.join(__dirname, 'missing.json')), { code: 'ENOENT' });
});
