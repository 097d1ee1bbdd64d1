/** What travels through Temporal instead of bytes: where our own copy lives and what it is. */
export interface AssetRef {
  /** Stable URL of the stored copy, served by our web server; never the provider's expiring URL. */
  url: string;
  /** Content address inside the asset store (sha256 plus extension). */
  key: string;
  sha256: string;
  sizeBytes: number;
  mediaType: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
}
