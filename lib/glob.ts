/** picomatch, loaded on first use: most runs match no glob (the module costs a new process ~5 ms). */
import type Picomatch from 'picomatch';

export function picomatch(): typeof Picomatch {
  return require('picomatch') as typeof Picomatch;
}
