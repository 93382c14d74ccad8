/**
 * `v8-footprints/agent`: the agent's side of the backend protocol, apart from conversion. A {@link PendingHits}
 * keeps the hits waiting to be sent and the invocations open at once, and builds the request bodies of
 * footprints format 6.0; the {@link Converter} it is given converts the takes.
 */
import type { BodyMeta, Converter, CoverageInput, HitInfo, ScriptError, SourceMaps, Sources } from './index.js';
export { Converter, buildBody } from './index.js';
export type { BodyMeta, ConverterOptions, FootprintsError, Hit, HitInfo, ScriptError } from './index.js';

export interface PendingHitsOptions {
  /** How many hits are kept waiting before the oldest is dropped (and counted in `droppedCount`). Default 500. */
  limit?: number;
}

export class PendingHits {
  /** `converter` (of this package) converts the takes given to `addHit` and `addWindow`. */
  constructor(converter: Converter, options?: PendingHitsOptions);
  readonly converter: Converter;
  /** Converts one take (objects, JSON text or bytes) and keeps what ran as a pending hit. */
  addHit(coverage: CoverageInput, info: HitInfo, sources?: Sources, sourceMaps?: SourceMaps): { methods: number; errors: ScriptError[] };
  /**
   * Opens an invocation (`key`: any whole number from 0 to 2^32-1 the caller does not reuse while it is
   * open). Every take given to `addWindow` from now until `closeInvocation(key)` counts as this
   * invocation's, also when other invocations are open at the same time. Returns whether an older open
   * invocation had to be forgotten to make room (256 are kept).
   */
  openInvocation(key: number): boolean;
  /** Converts one take (it closes a window) and gives what ran to every open invocation; with none open it is dropped. */
  addWindow(coverage: CoverageInput, sources?: Sources, sourceMaps?: SourceMaps): { errors: ScriptError[] };
  /** Closes an invocation and keeps the windows it was open in as one pending hit; returns how many methods ran. */
  closeInvocation(key: number, info: HitInfo): { methods: number };
  /** The next body to send: the first pending hits (at most `max`) of one test execution, or undefined when none waits. */
  nextBody(meta: BodyMeta, executionId?: string, max?: number): { body: string; hits: number; executionId: string } | undefined;
  /** Forgets the first `count` pending hits, once they were sent. */
  confirmSent(count: number): void;
  /** Forgets the hits kept before it was known that no test execution was open; returns how many. */
  discardTentative(): number;
  /** Gives pending hits without an execution id the one now known. */
  assignExecution(executionId: string): void;
  /** Hits waiting to be sent. */
  readonly pendingCount: number;
  /** Hits dropped since the start because more than `limit` waited. */
  readonly droppedCount: number;
  /** Releases the wasm memory the hits hold (not the converter's); a later call throws a `freed` FootprintsError. */
  free(): void;
}
