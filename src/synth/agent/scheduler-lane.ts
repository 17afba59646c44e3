/** The scheduler's lanes: a bound on runs at once each, with its queue (scheduler.ts). */
import type { TestSpec } from '../contract.js';
import type { Task } from './scheduler-types.js';

/** Lane 1 for pings (they share the ICMP engine), 0 for tests with sockets of their own. */
export function laneOf(spec: TestSpec): number {
  return spec.type === 'ping' ? 1 : 0;
}

/** A bound on runs at once, and the ticks waiting for a slot under it, oldest first. */
export class Lane {
  running = 0;
  waiting: { task: Task; due: number }[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  get queued(): number {
    return this.waiting.length - this.head;
  }

  shift(): { task: Task; due: number } {
    const item = this.waiting[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
