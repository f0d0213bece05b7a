/**
 * The peer the benchmark compares against: the textbook in-memory hold table. Holds live in an
 * array; every hold request filters it for live holds (expiry judged at read time, like ours, but
 * by scanning instead of an expiry heap and counters). Correct, simple, O(holds) per request.
 */
export class NaiveInventory {
  readonly #capacity: number;
  #sold = 0;
  #holds: { id: number; userId: string; quantity: number; expiresAt: number }[] = [];
  #nextId = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  async hold(userId: string, quantity: number, now: number, ttlMs: number): Promise<number> {
    this.#holds = this.#holds.filter((h) => h.expiresAt > now);
    const held = this.#holds.reduce((sum, h) => sum + h.quantity, 0);
    if (this.#sold + held + quantity > this.#capacity) throw new Error('sold out');
    const id = ++this.#nextId;
    this.#holds.push({ id, userId, quantity, expiresAt: now + ttlMs });
    return id;
  }

  async confirm(holdId: number, now: number): Promise<boolean> {
    const index = this.#holds.findIndex((h) => h.id === holdId && h.expiresAt > now);
    if (index < 0) return false;
    this.#sold += this.#holds[index]!.quantity;
    this.#holds.splice(index, 1);
    return true;
  }
}
