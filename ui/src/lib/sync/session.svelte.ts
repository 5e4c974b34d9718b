import { errorMessage, type SyncOperations } from '../backend/operations';
import type { Plan } from '../bindings/Plan';
import type { RunSummary } from '../bindings/RunSummary';
import type { SyncEvent } from '../bindings/SyncEvent';

/** A preview on screen and the choice it was made with. */
export interface ShownPreview {
  plan: Plan;
  createUnclassified: boolean;
}

/**
 * One profile's preview and runs on the Sync page.
 *
 * Whether new users the source cannot classify (they may be guests or disabled accounts) are
 * created is the admin's choice for one run: the preview is made with it, and Sync now passes the
 * choice of the preview on screen — never another one. Sync now waits while a preview loads, a
 * preview that fails leaves the choice of the one still shown, and every run resets the choice
 * (and clears the preview it made out of date).
 */
export class SyncSession {
  readonly profile: string;
  readonly #operations: Pick<SyncOperations, 'syncPreview' | 'syncNow' | 'cancelSync'>;
  /** Bumped by every preview: only the latest one asked for is shown. */
  #latest = 0;

  shown = $state<ShownPreview | undefined>();
  /** The checkbox: the choice of the preview loading, otherwise that of the preview shown. */
  createUnclassified = $state(false);
  previewing = $state(false);
  previewError = $state<string | undefined>();
  running = $state(false);
  /** A run cleared the preview that was on screen: it may be out of date. */
  clearedByRun = $state(false);

  constructor(operations: Pick<SyncOperations, 'syncPreview' | 'syncNow' | 'cancelSync'>, profile: string) {
    this.#operations = operations;
    this.profile = profile;
  }

  /** What Sync now passes: the choice of the preview on screen; without one, held back. */
  get runChoice(): boolean {
    return this.shown?.createUnclassified ?? false;
  }

  /** Sync now never starts while a preview loads, so it never runs a choice nobody saw. */
  get canSync(): boolean {
    return !this.previewing && !this.running;
  }

  /** Previews with `createUnclassified` (by default the current choice). */
  async preview(createUnclassified: boolean = this.createUnclassified): Promise<void> {
    if (this.running) {
      return;
    }
    const request = ++this.#latest;
    this.createUnclassified = createUnclassified;
    this.previewing = true;
    this.previewError = undefined;
    try {
      const plan = await this.#operations.syncPreview(this.profile, createUnclassified);
      if (request === this.#latest) {
        this.shown = { plan, createUnclassified };
        this.clearedByRun = false;
      }
    } catch (cause) {
      if (request === this.#latest) {
        this.previewError = errorMessage(cause);
        // The preview still on screen (if any) was made with its own choice: the run keeps to it.
        this.createUnclassified = this.runChoice;
      }
    } finally {
      if (request === this.#latest) {
        this.previewing = false;
      }
    }
  }

  /** Runs the sync with the choice of the preview on screen. */
  async syncNow(onEvent: (event: SyncEvent) => void): Promise<RunSummary> {
    if (!this.canSync) {
      throw new Error('A preview is still loading: wait for it, then sync.');
    }
    this.running = true;
    try {
      return await this.#operations.syncNow(this.profile, this.runChoice, onEvent);
    } finally {
      this.running = false;
      this.createUnclassified = false;
      if (this.shown) {
        this.shown = undefined;
        this.clearedByRun = true;
      }
    }
  }

  /** Asks the running sync to stop after the requests in flight. */
  cancel(): Promise<void> {
    return this.#operations.cancelSync(this.profile);
  }
}
