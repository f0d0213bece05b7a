import type { Clock, Notifier, OfferMessage, PaymentGateway } from '../src/index.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A payment gateway that records refunds (idempotent on paymentId, like real providers). */
export class RecordingPayments implements PaymentGateway {
  readonly calls: { paymentId: string; amount: number }[] = [];
  readonly refunded = new Map<string, number>();
  failNext = 0;
  async refund(paymentId: string, amount: number): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`injected refund failure for ${paymentId}`);
    }
    this.calls.push({ paymentId, amount });
    this.refunded.set(paymentId, amount);
  }
}

/** A notifier that records messages and can be told to fail. */
export class RecordingNotifier implements Notifier {
  readonly messages: OfferMessage[] = [];
  failNext = 0;
  async notify(message: OfferMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error(`injected notifier failure for ${message.id}`);
    }
    this.messages.push(message);
  }
}
