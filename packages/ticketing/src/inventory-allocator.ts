import type {
  AllocationRequest,
  Allocator,
  AllocatorContext,
  ExtendResult,
  ReleaseResult,
  SettleRequest,
  TidyResult,
  WaitlistPlace,
} from './allocator.js';
import { UnknownEventError } from './errors.js';
import type {
  AllocateResult,
  EventDefinition,
  EventDocument,
  HoldState,
  InventoryContext,
  InventoryCounts,
  SettleResult,
} from './event-inventory.js';
import { EventInventory } from './event-inventory.js';
import type { InvariantReport } from './invariants.js';
import { checkInvariants } from './invariants.js';
import type { AuditEntry, Notice, Order, PaymentRecord } from './records.js';

/**
 * Where the whole-event inventory layout keeps its documents: one inventory document per event,
 * changed atomically by `updateEvent`, plus the outbox its journal drains into.
 */
export interface InventoryStore {
  /** Inserts a new event document; `false` when the id exists (nothing changed). */
  insertEvent(doc: EventDocument): Promise<boolean>;
  /** Runs `read` against the current inventory (`undefined` when the event does not exist). */
  readEvent<R>(eventId: string, read: (inventory: EventInventory) => R): Promise<R | undefined>;
  /**
   * Applies `apply` atomically (all or nothing, nothing interleaves); journal records the run
   * produced go to the audit log and outbox. `undefined` when the event does not exist.
   */
  updateEvent<R>(eventId: string, apply: (inventory: EventInventory) => R): Promise<R | undefined>;
  /** The stored event document (a copy). */
  getEventDocument(eventId: string): Promise<EventDocument | undefined>;
  /** Every event id. */
  listEventIds(): Promise<string[]>;
  /** Notices not yet delivered, oldest first, at most `limit`. */
  pendingNotices(limit: number): Promise<Notice[]>;
  /** Marks a notice delivered (idempotent). */
  markNoticeDelivered(noticeId: string, at: number): Promise<void>;
}

/** The {@link Allocator} of the whole-event inventory layout: each operation is one `updateEvent`. */
export class InventoryAllocator implements Allocator {
  readonly #store: InventoryStore;
  readonly #context: AllocatorContext;
  readonly #inventoryContext: InventoryContext;

  constructor(store: InventoryStore, context: AllocatorContext) {
    this.#store = store;
    this.#context = context;
    this.#inventoryContext = { offerTtlMs: context.offerTtlMs, newHoldId: () => context.newHoldId() };
  }

  async #read<R>(eventId: string, read: (inventory: EventInventory) => R): Promise<R> {
    const result = await this.#store.readEvent(eventId, read);
    if (result === undefined) throw new UnknownEventError(eventId);
    return result;
  }

  /** Runs an inventory update and reports the notices it made. */
  async #update<R>(eventId: string, apply: (inventory: EventInventory, context: InventoryContext) => R): Promise<R> {
    let notices: Notice[] | null = null;
    let audited: AuditEntry[] | null = null;
    const observe = this.#context.audited !== undefined;
    const result = await this.#store.updateEvent(eventId, (inventory) => {
      const r = apply(inventory, this.#inventoryContext);
      // a compare-and-swap retry runs this again: keep only the last run's records
      notices = null;
      audited = null;
      for (const record of inventory.journal) {
        if (record.kind === 'notice') {
          notices ??= [];
          notices.push(record.notice);
        } else if (observe) {
          audited ??= [];
          audited.push(record.entry);
        }
      }
      return r;
    });
    if (result === undefined) throw new UnknownEventError(eventId);
    const found = notices as Notice[] | null;
    if (found !== null) this.#context.noticesMade(found);
    const entries = audited as AuditEntry[] | null;
    if (entries !== null) this.#context.audited?.(entries);
    return result;
  }

  createEvent(definition: EventDefinition): Promise<boolean> {
    return this.#store.insertEvent(EventInventory.create(definition).toDocument());
  }

  definition(eventId: string): Promise<EventDefinition | undefined> {
    return this.#store.readEvent(eventId, (inventory) => inventory.definition);
  }

  listEventIds(): Promise<string[]> {
    return this.#store.listEventIds();
  }

  allocate(eventId: string, request: AllocationRequest, now: number): Promise<AllocateResult> {
    return this.#update(eventId, (inventory, context) => inventory.allocate(request, now, context));
  }

  holdState(eventId: string, holdId: string, now: number): Promise<HoldState> {
    return this.#read(eventId, (inventory) => inventory.holdState(holdId, now));
  }

  extend(eventId: string, holdId: string, graceMs: number, now: number): Promise<ExtendResult> {
    return this.#update(eventId, (inventory, context) => inventory.extend(holdId, graceMs, now, context));
  }

  settle(eventId: string, request: SettleRequest, now: number): Promise<SettleResult> {
    return this.#update(eventId, (inventory, context) => inventory.settle(request, now, context));
  }

  release(eventId: string, holdId: string, now: number): Promise<ReleaseResult> {
    return this.#update(eventId, (inventory, context) => {
      const { released } = inventory.release(holdId, now, context);
      return { released, state: inventory.holdState(holdId, now) };
    });
  }

  tidy(eventId: string, now: number): Promise<TidyResult> {
    return this.#update(eventId, (inventory, context) => inventory.tidy(now, context));
  }

  async returnTickets(eventId: string, holdId: string, ticketIds: readonly string[], now: number): Promise<void> {
    await this.#update(eventId, (inventory, context) => inventory.returnTickets(holdId, ticketIds, now, context));
  }

  joinWaitlist(
    eventId: string,
    request: { entryId: string; userId: string; quantity: number },
    now: number,
  ): Promise<WaitlistPlace> {
    return this.#update(eventId, (inventory, context) => inventory.joinWaitlist(request, now, context));
  }

  async waitlistEntry(eventId: string, entryId: string, _now: number): Promise<WaitlistPlace | undefined> {
    const found = await this.#read(eventId, (inventory) => inventory.waitlistEntry(entryId) ?? null);
    return found ?? undefined;
  }

  counts(eventId: string, now: number): Promise<InventoryCounts> {
    return this.#read(eventId, (inventory) => inventory.counts(now));
  }

  async check(
    eventId: string,
    input: { orders: readonly Order[]; payments: readonly PaymentRecord[]; now: number; settled: boolean },
  ): Promise<InvariantReport> {
    const event = await this.#store.getEventDocument(eventId);
    if (!event) throw new UnknownEventError(eventId);
    return checkInvariants({ event, ...input });
  }

  pendingNotices(limit: number): Promise<Notice[]> {
    return this.#store.pendingNotices(limit);
  }

  markNoticeDelivered(noticeId: string, at: number): Promise<void> {
    return this.#store.markNoticeDelivered(noticeId, at);
  }
}
