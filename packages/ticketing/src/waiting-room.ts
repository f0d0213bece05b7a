import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from './errors.js';
import { assertFinite, assertId, assertInteger, assertKnownOptions } from './input-validation.js';

const WAITING_ROOM_OPTIONS = ['admitPerSecond', 'maxActive', 'secret', 'clock', 'tokenTtlMs', 'roomId'] as const;

/** One base64url segment as {@link WaitingRoom} writes it: its alphabet only, no padding. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Options of {@link createWaitingRoom}.
 *
 * @example
 * ```ts
 * const options: WaitingRoomOptions = { admitPerSecond: 100, maxActive: 1_000, secret: process.env.ROOM_SECRET!, tokenTtlMs: 600_000 };
 * ```
 */
export interface WaitingRoomOptions {
  /** Users let through per second (a steady rate; arrivals beyond it queue). Must be > 0. */
  admitPerSecond: number;
  /** Most admitted users at once (admitted with a token that has not expired or been released). */
  maxActive: number;
  /** HMAC-SHA256 key signing admission tokens; at least 16 characters (or bytes). */
  secret: string | Uint8Array;
  /**
   * Time source, epoch ms.
   * @default `{ now: Date.now }`
   */
  clock?: {
    /** Epoch milliseconds. */
    now(): number;
  };
  /**
   * How long an admission token stays valid, in ms; its holder counts as active until then.
   * @default 600_000 (10 minutes)
   */
  tokenTtlMs?: number;
  /**
   * Name written into tokens, so tokens of one room are rejected by another with another secret.
   * @default 'default'
   */
  roomId?: string;
}

/** Where a user stands in the waiting room. */
export interface WaitingRoomStatus {
  /** 0 once admitted; otherwise the 1-based place in line. */
  readonly position: number;
  /** The signed admission token, once admitted. */
  readonly token?: string;
  /** Epoch ms at which the token expires, once admitted. */
  readonly expiresAt?: number;
  /** `waiting`, `admitted`, or `unknown` (never entered, or the token expired). */
  readonly state: 'waiting' | 'admitted' | 'unknown';
}

/**
 * The outcome of checking an admission token. `revoked`: a well-signed, unexpired token whose
 * user left the room (or was admitted again with a newer token).
 */
export type AdmissionVerification =
  | {
      /** The token is valid. */
      readonly ok: true;
      /** The user the token was issued to. */
      readonly userId: string;
      /** Epoch ms at which the token expires. */
      readonly expiresAt: number;
    }
  | {
      /** The token is not valid. */
      readonly ok: false;
      /** Why: not a token, a bad signature, past its expiry, or revoked by `leave`. */
      readonly reason: 'malformed' | 'forged' | 'expired' | 'revoked';
    };

/** A flash-sale waiting room: admits users in arrival order at a bounded rate, with signed expiring tokens. */
export interface WaitingRoom {
  /** Joins the line (idempotent: entering again keeps the original place) and returns the status. */
  enter(userId: string): WaitingRoomStatus;
  /** The status of a user without joining. */
  status(userId: string): WaitingRoomStatus;
  /**
   * Checks a token's signature (constant-time), expiry and that it is the user's current
   * admission (a user who left, or was admitted again, holds a revoked token).
   */
  verify(token: string): AdmissionVerification;
  /** Ends a user's admission early (e.g. after checkout), freeing an active slot and revoking the token. */
  leave(userId: string): void;
  /** Users currently waiting. */
  readonly waiting: number;
  /** Users currently admitted. */
  readonly active: number;
}

/**
 * Creates a waiting room. Admission is lazy: each call lets through as many users from the head of
 * the line as the rate (a token bucket of `admitPerSecond`, bursts of at most one second's worth)
 * and `maxActive` allow, strictly in arrival order. Tokens are `base64url(payload).base64url(HMAC-SHA256(payload))` and checked
 * with `crypto.timingSafeEqual`.
 *
 * @example
 * ```ts
 * import { createTicketing, createWaitingRoom } from '@x/ticketing';
 *
 * const room = createWaitingRoom({ admitPerSecond: 50, maxActive: 500, secret: process.env.ROOM_SECRET! });
 * const tix = createTicketing({ waitingRoom: room });
 * await tix.createEvent({ id: 'flash', name: 'Flash', capacity: 1000, requireAdmission: true });
 *
 * const { position, token } = room.enter('ada');
 * if (token) await tix.hold({ eventId: 'flash', userId: 'ada', admissionToken: token });
 * else console.log(`you are number ${position} in line`);
 * ```
 */
export function createWaitingRoom(options: WaitingRoomOptions): WaitingRoom {
  return new WaitingRoomImpl(options);
}

interface Admission {
  token: string;
  /** Epoch ms after which it no longer reserves anything. */
  expiresAt: number;
}

class WaitingRoomImpl implements WaitingRoom {
  readonly #admitPerSecond: number;
  readonly #maxActive: number;
  readonly #secret: Buffer;
  readonly #clock: { now(): number };
  readonly #tokenTtlMs: number;
  readonly #roomId: string;
  readonly #burst: number;
  #allowance: number;
  #refilledAt: number;
  #line: string[] = [];
  #lineHead = 0;
  #queued = new Set<string>();
  #admitted = new Map<string, Admission>();

  constructor(options: WaitingRoomOptions) {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError('options', 'an object', options);
    assertKnownOptions('createWaitingRoom', options, WAITING_ROOM_OPTIONS);
    assertFinite('admitPerSecond', options.admitPerSecond, Number.MIN_VALUE);
    assertInteger('maxActive', options.maxActive, 1);
    const secret = options.secret;
    if (!(typeof secret === 'string' || secret instanceof Uint8Array) || secret.length < 16) {
      throw new InvalidArgumentError('secret', 'a string or Uint8Array of at least 16 characters/bytes', secret);
    }
    const tokenTtlMs = options.tokenTtlMs ?? 600_000;
    assertInteger('tokenTtlMs', tokenTtlMs, 1);
    const roomId = options.roomId ?? 'default';
    assertId('roomId', roomId);
    if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
      throw new InvalidArgumentError('clock', 'an object with a now() method', options.clock);
    }
    this.#admitPerSecond = options.admitPerSecond;
    this.#maxActive = options.maxActive;
    this.#secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
    this.#clock = options.clock ?? { now: Date.now };
    this.#tokenTtlMs = tokenTtlMs;
    this.#roomId = roomId;
    this.#burst = Math.max(1, options.admitPerSecond);
    this.#allowance = this.#burst; // the room opens with one second's worth of admissions
    this.#refilledAt = this.#now();
  }

  get waiting(): number {
    this.#advance(this.#now());
    return this.#queued.size;
  }

  get active(): number {
    this.#advance(this.#now());
    return this.#admitted.size;
  }

  enter(userId: string): WaitingRoomStatus {
    assertId('userId', userId);
    const now = this.#now();
    this.#advance(now);
    if (!this.#admitted.has(userId) && !this.#queued.has(userId)) {
      this.#line.push(userId);
      this.#queued.add(userId);
      this.#advance(now);
    }
    return this.#statusAt(userId);
  }

  status(userId: string): WaitingRoomStatus {
    assertId('userId', userId);
    this.#advance(this.#now());
    return this.#statusAt(userId);
  }

  leave(userId: string): void {
    assertId('userId', userId);
    this.#admitted.delete(userId);
    if (this.#queued.delete(userId)) {
      // Lazily skipped when it reaches the head.
    }
    this.#advance(this.#now());
  }

  verify(token: string): AdmissionVerification {
    if (typeof token !== 'string') return { ok: false, reason: 'malformed' };
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
    const payloadPart = token.slice(0, dot);
    const signaturePart = token.slice(dot + 1);
    // Strict parsing: base64url decoding skips characters outside its alphabet and ignores stray
    // trailing bits, so `token + '!!'` or `token + '='` would decode to the same bytes. Only the
    // exact text this room writes is accepted.
    if (!isCanonicalBase64url(payloadPart)) return { ok: false, reason: 'malformed' };
    if (!isCanonicalBase64url(signaturePart)) return { ok: false, reason: 'forged' };
    const given = Buffer.from(signaturePart, 'base64url');
    const expected = this.#sign(payloadPart);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
    let payload: { r?: unknown; u?: unknown; e?: unknown };
    try {
      payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (payload.r !== this.#roomId || typeof payload.u !== 'string' || typeof payload.e !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    const now = this.#now();
    if (now >= payload.e) return { ok: false, reason: 'expired' };
    // Revocation: only the user's current admission verifies (`leave` deletes it; it is kept
    // until it expires, so the check costs one map lookup and no list of revoked tokens).
    this.#advance(now);
    if (this.#admitted.get(payload.u)?.token !== token) return { ok: false, reason: 'revoked' };
    return { ok: true, userId: payload.u, expiresAt: payload.e };
  }

  /** The clock's now, checked: a clock returning NaN, ±Infinity or a non-number is an error, never an admission. */
  #now(): number {
    const now = this.#clock.now();
    if (typeof now !== 'number' || !Number.isFinite(now)) {
      throw new InvalidArgumentError('clock.now()', 'a finite number of epoch ms', now);
    }
    return now;
  }

  #statusAt(userId: string): WaitingRoomStatus {
    const admission = this.#admitted.get(userId);
    if (admission) return { position: 0, token: admission.token, expiresAt: admission.expiresAt, state: 'admitted' };
    if (!this.#queued.has(userId)) return { position: 0, state: 'unknown' };
    let position = 0;
    for (let i = this.#lineHead; i < this.#line.length; i++) {
      const id = this.#line[i]!;
      if (this.#queued.has(id)) position++;
      if (id === userId) break;
    }
    return { position, state: 'waiting' };
  }

  /** Expires tokens, then admits from the head of the line while the rate and `maxActive` allow. */
  #advance(now: number): void {
    for (const [userId, admission] of this.#admitted) {
      if (admission.expiresAt <= now) this.#admitted.delete(userId);
    }
    // Token bucket: `admitPerSecond` admissions per second, bursts of at most one second's worth.
    if (now > this.#refilledAt) {
      this.#allowance = Math.min(
        this.#burst,
        this.#allowance + ((now - this.#refilledAt) / 1000) * this.#admitPerSecond,
      );
      this.#refilledAt = now;
    }
    while (this.#lineHead < this.#line.length && this.#admitted.size < this.#maxActive && this.#allowance >= 1) {
      const userId = this.#line[this.#lineHead++]!;
      if (!this.#queued.delete(userId)) continue;
      const expiresAt = now + this.#tokenTtlMs;
      this.#admitted.set(userId, { token: this.#issue(userId, expiresAt), expiresAt });
      this.#allowance -= 1;
    }
    if (this.#lineHead > 1024 && this.#lineHead * 2 > this.#line.length) {
      this.#line = this.#line.slice(this.#lineHead);
      this.#lineHead = 0;
    }
  }

  #issue(userId: string, expiresAt: number): string {
    const payload = Buffer.from(JSON.stringify({ r: this.#roomId, u: userId, e: expiresAt }), 'utf8').toString(
      'base64url',
    );
    return `${payload}.${this.#sign(payload).toString('base64url')}`;
  }

  #sign(payload: string): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest();
  }
}

/** Whether `text` is base64url exactly as `Buffer#toString('base64url')` writes it (alphabet, no padding, no stray bits). */
function isCanonicalBase64url(text: string): boolean {
  return BASE64URL.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;
}
