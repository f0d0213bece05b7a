import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdmissionError,
  createTicketing,
  createWaitingRoom,
  InvalidArgumentError,
  UnknownOptionError,
} from '../src/index.js';
import { ManualClock } from './fixtures.js';

const secret = 'test-secret-0123456789';

describe('createWaitingRoom', () => {
  it('admits in arrival order at admitPerSecond, at most maxActive at once', () => {
    const clock = new ManualClock();
    const room = createWaitingRoom({ admitPerSecond: 2, maxActive: 3, secret, clock, tokenTtlMs: 10_000 });
    const users = ['a', 'b', 'c', 'd', 'e', 'f'];
    const first = users.map((u) => room.enter(u));
    expect(first.map((s) => s.position)).toEqual([0, 0, 1, 2, 3, 4]); // burst of one second: 2 admitted
    expect(first[0]!.token).toBeDefined();
    expect(room.status('c')).toMatchObject({ state: 'waiting', position: 1 });
    clock.advance(500); // one more admission earned
    expect(room.status('c')).toMatchObject({ state: 'admitted', position: 0 });
    expect(room.status('d').position).toBe(1);
    clock.advance(1_000); // two more earned, but maxActive (3) is reached
    expect(room.active).toBe(3);
    expect(room.status('d')).toMatchObject({ state: 'waiting', position: 1 });
    clock.advance(9_000); // a, b, c's tokens expired: slots free, the bucket holds one second's worth (2)
    expect(room.status('d').state).toBe('admitted');
    expect(room.status('e').state).toBe('admitted');
    expect(room.status('f')).toMatchObject({ state: 'waiting', position: 1 });
    clock.advance(500);
    expect(room.status('f').state).toBe('admitted');
    expect(room.status('a').state).toBe('unknown'); // token expired
    expect(room.enter('d')).toEqual(room.status('d')); // idempotent
  });

  it('maxActive frees a slot when a user leaves', () => {
    const clock = new ManualClock();
    const room = createWaitingRoom({ admitPerSecond: 100, maxActive: 1, secret, clock });
    expect(room.enter('a').state).toBe('admitted');
    expect(room.enter('b')).toEqual({ position: 1, state: 'waiting' });
    room.leave('a');
    expect(room.status('b').state).toBe('admitted');
    expect(room.waiting).toBe(0);
  });

  it('verify accepts its own tokens and rejects forged, expired, malformed or foreign ones', () => {
    const clock = new ManualClock();
    const room = createWaitingRoom({ admitPerSecond: 10, maxActive: 10, secret, clock, tokenTtlMs: 1_000 });
    const { token, expiresAt } = room.enter('ada');
    expect(room.verify(token!)).toEqual({ ok: true, userId: 'ada', expiresAt });
    const [payload, signature] = token!.split('.') as [string, string];
    // Same signature, payload changed to another user: forged.
    const other = Buffer.from(JSON.stringify({ r: 'default', u: 'eve', e: expiresAt })).toString('base64url');
    expect(room.verify(`${other}.${signature}`)).toEqual({ ok: false, reason: 'forged' });
    // Signed with another secret: forged.
    const foreign = createHmac('sha256', 'another-secret-0123456').update(payload).digest('base64url');
    expect(room.verify(`${payload}.${foreign}`)).toEqual({ ok: false, reason: 'forged' });
    expect(room.verify(`${payload}.`)).toEqual({ ok: false, reason: 'forged' });
    expect(room.verify('no-dot')).toEqual({ ok: false, reason: 'malformed' });
    expect(room.verify(42 as never)).toEqual({ ok: false, reason: 'malformed' });
    // Properly signed but not a token payload: malformed.
    const junk = Buffer.from('[1,2]').toString('base64url');
    expect(room.verify(`${junk}.${createHmac('sha256', secret).update(junk).digest('base64url')}`)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    clock.advance(1_000);
    expect(room.verify(token!)).toEqual({ ok: false, reason: 'expired' });
  });

  it('property: admissions follow arrival order and never exceed the rate or maxActive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 30 })), { maxLength: 80 }),
        (rate, maxActive, steps) => {
          const clock = new ManualClock(0);
          const room = createWaitingRoom({ admitPerSecond: rate, maxActive, secret, clock, tokenTtlMs: 60_000 });
          const arrival: string[] = [];
          const admittedOrder: string[] = [];
          const seen = new Set<string>();
          let n = 0;
          for (const [advance, who] of steps) {
            clock.advance(advance);
            const user = who < 20 ? `u${n++}` : (arrival[who % Math.max(1, arrival.length)] ?? `u${n++}`);
            if (!arrival.includes(user)) arrival.push(user);
            room.enter(user);
            for (const u of arrival) {
              if (!seen.has(u) && room.status(u).state === 'admitted') {
                seen.add(u);
                admittedOrder.push(u);
              }
            }
            expect(room.active).toBeLessThanOrEqual(maxActive);
            // token bucket: at most rate per second plus a one-second burst
            expect(admittedOrder.length).toBeLessThanOrEqual(
              Math.floor((clock.time / 1000) * rate) + Math.max(1, rate),
            );
          }
          expect(admittedOrder).toEqual(arrival.slice(0, admittedOrder.length));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects bad options with clear messages', () => {
    expect(() => createWaitingRoom({ admitPerSecond: 0, maxActive: 1, secret })).toThrow(
      'Expected `admitPerSecond` to be a finite number from 5e-324 and up, got `0` (number)',
    );
    expect(() => createWaitingRoom({ admitPerSecond: 1, maxActive: 0, secret })).toThrow(
      'Expected `maxActive` to be an integer from 1 and up, got `0` (number)',
    );
    expect(() => createWaitingRoom({ admitPerSecond: 1, maxActive: 1, secret: 'short' })).toThrow(InvalidArgumentError);
    expect(() => createWaitingRoom({ admitPerSecond: 1, maxActive: 1, secret, tokenTtlMs: 0 })).toThrow(
      'Expected `tokenTtlMs` to be an integer from 1 and up, got `0` (number)',
    );
    expect(() => createWaitingRoom({ admitPerSecond: 1, maxActive: 1, secret }).enter('')).toThrow(
      'Expected `userId` to be a non-empty string, got `""` (string)',
    );
  });

  it('leave revokes the token: a user who left cannot hold with it while others take the slots', async () => {
    const clock = new ManualClock();
    const room = createWaitingRoom({ admitPerSecond: 100, maxActive: 2, secret, clock });
    const tix = createTicketing({ clock, waitingRoom: room });
    await tix.createEvent({ id: 'flash', name: 'Flash', capacity: 10, requireAdmission: true });
    const ada = room.enter('ada').token!;
    room.enter('bob');
    expect(room.enter('cy').state).toBe('waiting');
    room.leave('ada');
    expect(room.status('cy').state).toBe('admitted');
    expect(room.active).toBe(2);
    expect(room.verify(ada)).toEqual({ ok: false, reason: 'revoked' });
    const refused = await tix.hold({ eventId: 'flash', userId: 'ada', admissionToken: ada }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdmissionError);
    expect((refused as AdmissionError).reason).toBe('revoked');
    // Entering again gives a new token; the old one stays revoked.
    clock.advance(1_000);
    room.leave('bob');
    const again = room.enter('ada').token!;
    expect(again).not.toBe(ada);
    expect(room.verify(again)).toMatchObject({ ok: true, userId: 'ada' });
    expect(room.verify(ada)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('parses tokens strictly: junk appended, padding or non-alphabet characters never verify', () => {
    const clock = new ManualClock();
    const room = createWaitingRoom({ admitPerSecond: 10, maxActive: 10, secret, clock });
    const token = room.enter('ada').token!;
    expect(room.verify(token)).toMatchObject({ ok: true });
    const [payload, signature] = token.split('.') as [string, string];
    for (const bad of [
      `${token}!!`,
      `${token}=`,
      `${token}==`,
      `${token} `,
      `${payload}=.${signature}`,
      `${payload}!.${signature}`,
    ]) {
      expect(room.verify(bad).ok, bad).toBe(false);
    }
    expect(room.verify(`${token}!!`)).toEqual({ ok: false, reason: 'forged' });
    expect(room.verify(`${payload}=.${signature}`)).toEqual({ ok: false, reason: 'malformed' });
    // Flipping the unused low bits of the last character decodes to the same bytes: still refused.
    const last = signature.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(room.verify(`${payload}.${signature.slice(0, -1)}${twin}`).ok).toBe(false);
  });

  it('checks its clock: NaN, Infinity or a non-number is a typed error, never an admission', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '1' as never]) {
      let value: number = 1_700_000_000_000;
      const room = createWaitingRoom({ admitPerSecond: 10, maxActive: 10, secret, clock: { now: () => value } });
      value = bad;
      const error = (() => {
        try {
          room.enter('ada');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(/^Expected `clock.now\(\)` to be a finite number of epoch ms, got /);
      value = 1_700_000_000_000;
      expect(room.active).toBe(0);
    }
    expect(() =>
      createWaitingRoom({ admitPerSecond: 10, maxActive: 10, secret, clock: { now: () => Number.NaN } }),
    ).toThrow(InvalidArgumentError);
  });

  it('rejects unknown option keys, listing the valid ones', () => {
    expect(() => createWaitingRoom({ admitPerSecond: 1, maxActive: 1, secret, tokenTTLMs: 5 } as never)).toThrow(
      UnknownOptionError,
    );
    expect(() => createWaitingRoom({ admitPerSecond: 1, maxActive: 1, secret, tokenTTLMs: 5 } as never)).toThrow(
      'Unknown option `tokenTTLMs` (did you mean `tokenTtlMs`?) in `createWaitingRoom` options; valid options are `admitPerSecond`, `maxActive`, `secret`, `clock`, `tokenTtlMs`, `roomId`',
    );
  });
});
