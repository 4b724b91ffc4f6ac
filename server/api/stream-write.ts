import type { Response } from 'express';

/**
 * Writes `chunk` to a streamed download, waiting for the socket to drain when it is full (a slow
 * client slows the export instead of filling memory); false once the caller has gone.
 */
export async function writeChunk(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}
