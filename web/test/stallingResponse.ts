/**
 * A response whose body sends `start` and then nothing more, for what a stalled body does to the client; `reading`
 * settles once the client has started to read it, so a test moves its fake clock only from then on.
 */
export function stallingResponse(status: number, headers: Record<string, string>, start: string) {
  let read!: () => void;
  const reading = new Promise<void>((resolve) => (read = resolve));
  let sent = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        read();
        if (sent) return new Promise<void>(() => {});
        sent = true;
        controller.enqueue(new TextEncoder().encode(start));
      },
    },
    { highWaterMark: 0 },
  );
  return { response: new Response(body, { status, headers }), reading };
}
