/**
 * `@x/ticketing`: the core of a Ticketmaster-style system. {@link createTicketing} sells events
 * without oversell, with holds that expire on their own, exactly one order or one refund per
 * payment, a waitlist served first, per-user limits and seats; {@link createWaitingRoom} admits
 * buyers at a bounded rate. The memory store is the default; the MongoDB store is on
 * `@x/ticketing/mongodb`.
 *
 * @packageDocumentation
 */
export type {
  AllocationRequest,
  Allocator,
  AllocatorContext,
  ExtendResult,
  ReleaseResult,
  SettleRequest,
  TidyResult,
  WaitlistPlace,
} from './allocator.js';
export {
  AdmissionError,
  EventExistsError,
  HoldNotActiveError,
  InvalidArgumentError,
  PaymentConflictError,
  PerUserLimitError,
  SaleNotStartedError,
  SeatUnavailableError,
  SoldOutError,
  TicketingError,
  UnknownEventError,
  UnknownHoldError,
  UnknownOptionError,
  UnknownOrderError,
  UnknownSeatError,
  UnknownTicketError,
} from './errors.js';
export type {
  AllocateResult,
  AllocationRecord,
  EventDefinition,
  EventDocument,
  HoldState,
  InventoryContext,
  InventoryCounts,
  JournalRecord,
  RefusalRecord,
  SaleRecord,
  SettleResult,
  WaitlistEntryRecord,
} from './event-inventory.js';
export { EventInventory, orderIdFor } from './event-inventory.js';
export type { FlashSaleOptions, FlashSaleReport, FlashSaleStep } from './flash-sale-simulation.js';
export { formatFlashSaleReport, simulateFlashSale } from './flash-sale-simulation.js';
export type { InvariantCheck, InvariantInput, InvariantReport } from './invariants.js';
export { checkInvariants } from './invariants.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { memoryStore } from './memory-store.js';
export type {
  AuditEntry,
  AuditType,
  Hold,
  HoldRecord,
  HoldStatus,
  Notice,
  Order,
  PaymentRecord,
  PaymentStatus,
  RefundReason,
  Ticket,
  WaitlistEntryStatus,
  WaitlistOffer,
} from './records.js';
export type {
  AdmissionVerifier,
  Availability,
  Clock,
  ConfirmPaymentInput,
  ConfirmResult,
  CreateEventInput,
  DeliveryResult,
  ExpireResult,
  HoldInput,
  LatePaymentPolicy,
  Notifier,
  OfferMessage,
  PaymentGateway,
  ReturnResult,
  Ticketing,
  TicketingOptions,
  WaitlistEntry,
  WaitlistJoin,
} from './ticketing.js';
export { createTicketing } from './ticketing.js';
export type { TicketingStore } from './ticketing-store.js';
export type { AdmissionVerification, WaitingRoom, WaitingRoomOptions, WaitingRoomStatus } from './waiting-room.js';
export { createWaitingRoom } from './waiting-room.js';
