import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Digests {
  md5: string;
  sha256: string;
}

const HEX_LENGTHS: Readonly<Record<keyof Digests, number>> = { md5: 32, sha256: 64 };
const LABELS: Readonly<Record<keyof Digests, string>> = { md5: 'MD5', sha256: 'SHA-256' };

/** A pass-through stream that computes the MD5 and SHA-256 of the bytes that flow through it. */
export class DigestStream extends Transform {
  private readonly md5 = createHash('md5');
  private readonly sha256 = createHash('sha256');
  private finished?: Digests;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Returns the hex digests; call it once the stream has ended. */
  digests(): Digests {
    this.finished ??= { md5: hexOf(this.md5), sha256: hexOf(this.sha256) };
    return this.finished;
  }
}

function hexOf(hash: Hash): string {
  return hash.digest('hex');
}

/**
 * Checks an expected digest from a request and returns it in lower case; throws when
 * it is not hex of the algorithm's length.
 */
export function normaliseExpectedDigest(algorithm: keyof Digests, value: string | undefined, subject: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  const normalised = value.trim().toLowerCase();
  const length = HEX_LENGTHS[algorithm];
  if (normalised.length !== length || !/^[0-9a-f]+$/.test(normalised)) {
    throw new Error(`the expected ${LABELS[algorithm]} for ${subject} is invalid ("${value}"): give ${length} hexadecimal digits`);
  }
  return normalised;
}

/**
 * Compares the computed digests with the expected ones and throws on the first
 * mismatch, naming both values.
 */
export function compareDigests(expected: Partial<Digests>, actual: Digests, subject: string): void {
  for (const algorithm of ['md5', 'sha256'] as const) {
    const expectedHex = expected[algorithm];
    if (expectedHex === undefined || expectedHex === actual[algorithm]) continue;
    throw new Error(`${LABELS[algorithm]} mismatch for ${subject}: expected ${expectedHex}, computed ${actual[algorithm]}; check the checksum given, or the source file, which may be damaged or changed`);
  }
}
