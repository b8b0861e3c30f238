import { ApiError, authHeaders } from './api.js';

/**
 * Follows a Server-Sent Events stream with fetch() rather than EventSource, because EventSource
 * cannot send an Authorization header and the key must not travel in the URL. Calls onEvent(name,
 * data) per event and resolves when the server ends the stream (or the signal aborts it).
 */
export async function followEvents(path, key, onEvent, signal) {
  const response = await fetch(path, { headers: { ...authHeaders(key), accept: 'text/event-stream' }, cache: 'no-store', signal });
  if (!response.ok || !response.body) throw new ApiError(response.status, `event stream refused: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    // An event ends at a blank line; a partial one waits for the next chunk.
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = parseEvent(block);
      if (event) onEvent(event.name, event.data);
    }
  }
}

function parseEvent(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  try {
    return { name, data: JSON.parse(data.join('\n')) };
  } catch {
    return undefined;
  }
}
