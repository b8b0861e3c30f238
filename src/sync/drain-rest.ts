/** Reads the rest of a stream to its end, keeping nothing: its source moves on to the next entry. */
export async function drainRest(rest: AsyncIterator<Buffer>): Promise<void> {
  for (let next = await rest.next(); !next.done; next = await rest.next());
}
