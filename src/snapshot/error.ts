// The one error the snapshot stage throws: the input as a whole cannot be read (missing directory,
// corrupt archive, invalid limits). Problems with single files become notices instead.

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}
