import type http from 'node:http';

/** Size of the pieces written to the socket, in UTF-16 code units of the joined parts. */
const PIECE_LENGTH = 64 * 1024;

/** Returns the size of the parts joined and encoded as UTF-8, in bytes. */
export function byteLengthOf(parts: readonly string[]): number {
  let bytes = 0;
  for (const part of parts) bytes += Buffer.byteLength(part);
  return bytes;
}

/**
 * Writes the parts as the response body and ends the response. Consecutive parts are
 * joined into pieces of about PIECE_LENGTH, and when Node's write buffer is full the
 * next piece waits for the socket to drain, so that a response of many megabytes is
 * never held whole in memory. Stops when the connection closes first.
 */
export async function writeParts(response: http.ServerResponse, parts: readonly string[]): Promise<void> {
  let piece = '';
  for (const part of parts) {
    piece += part;
    if (piece.length < PIECE_LENGTH) continue;

    const accepted = response.write(piece);
    piece = '';
    if (!accepted && !(await drained(response))) return;
  }
  response.end(piece);
}

/** Resolves with true once the response takes data again, or with false when its connection closed first. */
function drained(response: http.ServerResponse): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);

  return new Promise((resolve) => {
    const finish = (open: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(open);
    };
    const onDrain = finish(true);
    const onClose = finish(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
