import { expect, it, vi } from 'vitest';
import { reportFirstPaintOnce } from './first-paint';

it('reports the first paint once, two animation frames after mounting', async () => {
  const frames: FrameRequestCallback[] = [];
  vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => {
    frames.push(cb);
    return frames.length;
  });
  const report = vi.fn(() => Promise.resolve(12.5));

  reportFirstPaintOnce(report);
  reportFirstPaintOnce(report);
  expect(frames).toHaveLength(1);

  frames.shift()!(0);
  expect(report).not.toHaveBeenCalled();
  frames.shift()!(16);
  expect(report).toHaveBeenCalledTimes(1);
  expect(frames).toHaveLength(0);
});

it('swallows a failed report: the figure only matters to benchmarks', async () => {
  // The module has already reported once in this file, so it must not report again.
  const report = vi.fn(() => Promise.reject(new Error('no backend')));
  reportFirstPaintOnce(report);
  expect(report).not.toHaveBeenCalled();
});
