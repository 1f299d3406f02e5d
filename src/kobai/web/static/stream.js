// Server-sent events read with fetch: an error answer keeps its message, a closed stream is
// never reopened behind the page's back (EventSource would reconnect), and abort() pauses.

import { withLang } from "./i18n.js";

export function openStream(url, { events, onerror, onclose }) {
  const controller = new AbortController();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    controller.abort();
    if (onclose) onclose();
  };
  (async () => {
    try {
      const response = await fetch(withLang(url), { signal: controller.signal, cache: "no-store" });
      if (!response.ok) {
        const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
        throw new Error(body.error);
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      while (!done) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while (!done && (cut = buffer.indexOf("\n\n")) >= 0) {
          dispatch(buffer.slice(0, cut), events, onerror);
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch (err) {
      if (!done && err.name !== "AbortError" && onerror) onerror(err.message);
    } finally {
      finish();
    }
  })();
  return { close: finish, get closed() { return done; } };
}

function dispatch(block, events, onerror) {
  let name = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  if (name === "failed") {
    if (onerror) onerror(JSON.parse(data).error);
    return;
  }
  const handler = events[name];
  if (handler) handler(JSON.parse(data));
}

// Stop a view's stream, if one runs, and show the view paused. The view forgets the stream
// before closing it, so the stream's onclose sees that it was stopped on purpose.
export function stopStreamOf(view) {
  const s = view.stream;
  view.stream = null;
  if (s) s.close();
  view.playing(false);
}
