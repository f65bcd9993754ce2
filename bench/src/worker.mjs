// A bench worker process: runs driver operations on request from main.mjs over IPC and reports progress.
import * as http from './driver/http.mjs';
import * as realtime from './driver/realtime.mjs';

const operations = {
  open: realtime.open,
  subscribe: realtime.subscribe,
  unsubscribeAll: realtime.unsubscribeAll,
  drain: realtime.drain,
  drainApplied: realtime.drainApplied,
  drainToTruth: realtime.drainToTruth,
  views: realtime.views,
  catchUp: realtime.catchUp,
  collect: realtime.collect,
  closeAll: realtime.closeAll,
  hot: http.hot,
  warm: http.warm,
  paced: http.paced,
  mixed: http.mixed,
  visitors: http.visitors,
  flood: http.flood,
};

process.on('message', async ({ id, op, args }) => {
  try {
    const result = await operations[op](args ?? {});
    process.send({ id, ok: true, result });
  } catch (error) {
    process.send({ id, ok: false, error: error?.stack ?? String(error) });
  }
});

const timer = setInterval(() => {
  process.send({ progress: { ...realtime.progress(), ...http.httpProgress() } });
}, 500);
timer.unref();

process.on('disconnect', () => process.exit(0));
