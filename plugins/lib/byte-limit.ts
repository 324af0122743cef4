import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through stream that fails with `limitError()` as soon as more than
 * `maxBytes` bytes have flowed through it, so that an oversized download is cut off
 * without being stored.
 */
export class ByteLimit extends Transform {
  private bytes = 0;
  /** True once the limit was passed and the stream failed. */
  exceeded = false;

  constructor(
    private readonly maxBytes: number,
    private readonly limitError: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.exceeded = true;
      callback(this.limitError());
      return;
    }
    callback(null, chunk);
  }
}
