// Tells the backend when the first frame is on screen, for the start-up benchmark. Two animation
// frames after mounting: the first runs before that frame is painted, the second after.

import { reportFirstPaint } from '../lib/api';

let reported = false;

export function reportFirstPaintOnce(report: () => Promise<unknown> = reportFirstPaint): void {
  if (reported) return;
  reported = true;
  requestAnimationFrame(() => {
    requestAnimationFrame(() => {
      // Outside the desktop app there is no backend to tell; the figure is only for benchmarks.
      report().catch(() => {});
    });
  });
}
