import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CounterWindow } from './health-window.js';

test('delta and rate over the last minute, with one sample before the window as the base', () => {
  const w = new CounterWindow(60_000);
  // Samples every 5 s of a counter rising by 10 each time: 0, 10, …, 200 at t = 0 … 100 s.
  for (let i = 0; i <= 20; i++) w.record(i * 5_000, i * 10);
  // The window (40 s, 100 s] has its base at t = 40 s (value 80): 200 - 80 over 60 s.
  assert.equal(w.delta(), 120);
  assert.equal(w.rate(), 2);
  assert.equal(w.value, 200);
  assert.equal(w.lastIncreaseAt, 100_000);
});

test('before two samples: no delta, no rate; lastIncreaseAt is the sample that first saw the rise', () => {
  const w = new CounterWindow();
  assert.equal(w.rate(), 0);
  w.record(1_000, 5);
  assert.equal(w.delta(), 0);
  assert.equal(w.rate(), 0);
  assert.equal(w.lastIncreaseAt, undefined, 'the first sample is a base, not a rise');
  w.record(2_000, 5);
  w.record(3_000, 7);
  w.record(4_000, 7);
  assert.equal(w.lastIncreaseAt, 3_000);
  assert.equal(w.delta(), 2);
  assert.equal(w.rate(), 2 / 3);
  // Quiet for over a minute: the rise leaves the window, lastIncreaseAt stays.
  w.record(70_000, 7);
  w.record(80_000, 7);
  assert.equal(w.delta(), 0);
  assert.equal(w.lastIncreaseAt, 3_000);
});

test('a counter that goes down (its component restarted) starts afresh', () => {
  const w = new CounterWindow();
  w.record(0, 100);
  w.record(5_000, 150);
  w.record(10_000, 3);
  assert.equal(w.delta(), 0);
  w.record(15_000, 9);
  assert.equal(w.delta(), 6);
  assert.equal(w.rate(), 6 / 5);
});

test('many checks in a short time: at most maxSamples kept, the newest', () => {
  const w = new CounterWindow(60_000, 4);
  for (let t = 0; t < 10; t++) w.record(t, t * 2);
  // Kept: t = 6, 7, 8, 9 → delta 18 - 12 over 3 ms.
  assert.equal(w.delta(), 6);
  assert.equal(w.rate(), 6 / 0.003);
});
