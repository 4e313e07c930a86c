/**
 * Where a reference figure comes from:
 * - `experiment`: the experiment the benchmark reproduces (its own reported result, not re-measured);
 * - `published`: a figure published elsewhere (e.g. a benchmark table), not verified here;
 * - `seed`: deprecated name of `experiment`, read the same way.
 */
export type ReferenceKind =
  | 'experiment'
  | 'published'
  | /** @deprecated Use `'experiment'`. */ 'seed';

/** A test accuracy reported elsewhere, to compare a run against. Not measured by this run. */
export interface Reference {
  name: string;
  /** Test accuracy as a fraction. */
  accuracy: number;
  kind: ReferenceKind;
  /** What was trained and how, in a few words. */
  details: string;
  /** Who reported it. */
  source: string;
  url?: string;
}
