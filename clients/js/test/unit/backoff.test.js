import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/backoff.js';

const noJitter = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };

test('Delays double from the initial delay up to the maximum', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, noJitter)), [100, 200, 400, 800, 1000, 1000]);
});

test('Jitter keeps each delay within its fraction of the base delay and under the maximum', () => {
  const options = { ...noJitter, jitter: 0.2 };
  assert.equal(backoffDelay(2, options, () => 0), 160);
  assert.equal(backoffDelay(2, options, () => 0.999999), 240);
  assert.equal(backoffDelay(10, options, () => 0.999999), 1000);
});

test('An attempt number below 1 or not an integer is rejected', () => {
  assert.throws(() => backoffDelay(0, noJitter), RangeError);
  assert.throws(() => backoffDelay(1.5, noJitter), RangeError);
});
