/**
 * One HTTP request the fleet times out itself: its AbortController, carrying both the timeout and
 * the balancer's abandoning of the attempt (and itself the `{ signal }` context the client gets),
 * and its place in the {@link RequestTimeouts} list.
 */
export class TimedRequest extends AbortController {
  /** When the request times out (`Date.now()` ms). */
  readonly deadline: number;
  /** The timeout aborted it (not the balancer). */
  timedOut = false;
  prev: TimedRequest | null = null;
  next: TimedRequest | null = null;

  constructor(deadline: number) {
    super();
    this.deadline = deadline;
  }
}

/**
 * The request timeouts of one fleet: every request gets the same `timeoutMs`, so deadlines come
 * in the order requests start, and one list with one timer (armed for the earliest deadline)
 * replaces a `setTimeout` and its closure per request. The timer is cleared whenever no request
 * is timed, so an idle fleet holds no timer.
 */
export class RequestTimeouts {
  readonly #timeoutMs: number;
  #head: TimedRequest | null = null;
  #tail: TimedRequest | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  readonly #fire = () => this.#expire();

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** A new request, timed from now. */
  start(): TimedRequest {
    const request = new TimedRequest(Date.now() + this.#timeoutMs);
    const tail = this.#tail;
    if (tail === null) this.#head = request;
    else {
      tail.next = request;
      request.prev = tail;
    }
    this.#tail = request;
    if (this.#timer === undefined) this.#timer = setTimeout(this.#fire, this.#timeoutMs);
    return request;
  }

  /** The request ended (answered, failed or aborted): it can no longer time out. */
  finish(request: TimedRequest): void {
    const { prev, next } = request;
    if (prev === null) {
      if (this.#head !== request) return; // already expired
      this.#head = next;
    } else prev.next = next;
    if (next === null) this.#tail = prev;
    else next.prev = prev;
    request.prev = request.next = null;
    if (this.#head === null && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Aborts every request whose deadline passed, then waits for the next deadline. */
  #expire(): void {
    this.#timer = undefined;
    // timers fire at whole milliseconds of their own clock: a deadline within 1 ms is due
    const now = Date.now() + 1;
    let request = this.#head;
    while (request !== null && request.deadline <= now) {
      const next = request.next;
      request.prev = request.next = null;
      this.#head = next;
      if (next === null) this.#tail = null;
      else next.prev = null;
      if (!request.signal.aborted) {
        // not abandoned by the balancer first
        request.timedOut = true;
        request.abort();
      }
      request = next;
    }
    if (request !== null) this.#timer = setTimeout(this.#fire, Math.max(1, request.deadline - Date.now()));
  }
}
