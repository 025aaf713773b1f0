import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recorder } from '../src/loadgen';
import { fewestVsMedian } from '../src/report';

// A window from 1000 to 2000 ms, three connections.
void test('a request still waiting when the window closes counts, with its wait so far', () => {
  const recorder = new Recorder(1000, 2000, 3);
  recorder.record('login', 0, 1100, 1300, 200, true);
  recorder.record('login', 0, 1300, 1500, 200, true);
  recorder.record('login', 1, 1200, 1600, 503, true);
  // Connection 2 sent its only request during the warm-up and never got an answer.
  recorder.record('login', 2, 500, 9000, 200, true);
  // Answered before the window opened: not counted.
  recorder.record('login', 1, 100, 900, 200, true);

  const view = recorder.connections();
  assert.deepEqual(view.completions, [2, 1, 0]);
  assert.equal(view.unfinished, 1);
  assert.equal(view.longestWaitMs, 1500);
  assert.equal(view.unavailable, 1);
  assert.equal(recorder.total().requests, 3);
  assert.equal(fewestVsMedian(view), 0);
});

void test('even connections score 1× fewest vs median', () => {
  const recorder = new Recorder(0, 1000, 2);
  for (const connection of [0, 1, 0, 1]) {
    recorder.record('login', connection, 10, 20, 200, true);
  }
  assert.equal(fewestVsMedian(recorder.connections()), 1);
});
