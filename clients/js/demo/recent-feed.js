// Keeps a query's results up to date on a ShareDB connection, the best way the server allows: a subscribe query
// (results change as documents are created and edited, and their ops arrive live); a fetch query re-run on a timer
// when the server answers the subscribe query with ERR_QUERIES_NOT_SUPPORTED but serves fetch queries, or with
// ERR_TOO_MANY_QUERY_SUBSCRIPTIONS (it holds its most); or nothing when it refuses fetch queries too
// (Collab:Queries:Enabled=false). Takes the plain ShareDB Connection; no DOM here, so
// test/unit/recent-feed.test.js runs it in Node against stock ShareDB.

/** How often the fallback re-runs its fetch query, and how long to wait before asking again after an error. */
export const POLL_INTERVAL_MS = 5000;
export const RETRY_DELAY_MS = 5000;
/** A server at its limit of subscribe queries is polled instead, and asked for a subscription again this much later. */
export const SUBSCRIBE_AGAIN_AFTER_MS = 60_000;
const QUERIES_NOT_SUPPORTED = 'ERR_QUERIES_NOT_SUPPORTED';
const TOO_MANY_QUERY_SUBSCRIPTIONS = 'ERR_TOO_MANY_QUERY_SUBSCRIPTIONS';

/**
 * Watches `query` on `collection`. `onChange(docs, touched)` gets the results in order as `{id, version, typeUri}`
 * and, on a subscription, `touched`: the `{id, version}` of documents an op just changed. `onStatus(status, error)`
 * gets 'loading', 'live' (subscribed), 'offline' (the connection was lost while subscribed; live again once the
 * client's own resubscription is answered), 'polling' (fetched every `pollIntervalMs`), 'unsupported' (the server
 * lists no documents), or 'failed' (another error; asked again after `retryDelayMs`). The connection should be one
 * used for listing only: the Doc objects of documents that leave the list are destroyed. Returns `{stop()}`.
 */
export function watchQuery(connection, collection, query, {
  onChange = () => {},
  onStatus = () => {},
  pollIntervalMs = POLL_INTERVAL_MS,
  retryDelayMs = RETRY_DELAY_MS,
  subscribeAgainAfterMs = SUBSCRIBE_AGAIN_AFTER_MS,
} = {}) {
  let stopped = false;
  let timer = null;
  let subscription = null;
  /** doc -> its 'op batch' listener, for the documents of the subscription's current results */
  const watched = new Map();
  /**
   * From a lost connection until the subscription's next answer: the ops that then arrive catch listed documents up
   * with what happened meanwhile, so they are not reported as touches (modified just now).
   */
  let catchingUp = false;

  const later = (run, delayMs) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!stopped) run();
    }, delayMs);
  };
  const report = (results, touched = []) => {
    if (stopped) return;
    // A document deleted while listed has no type until the server's diff removes it.
    const docs = results.filter((doc) => doc.type).map((doc) => ({ id: doc.id, version: doc.version, typeUri: doc.type.uri }));
    onChange(docs, touched);
  };

  function subscribe() {
    onStatus('loading');
    const liveQuery = connection.createSubscribeQuery(collection, query, {}, (error, results) => {
      if (stopped || subscription !== liveQuery) return;
      if (error) {
        subscription = null;
        if (error.code === QUERIES_NOT_SUPPORTED) return poll(null);
        if (error.code === TOO_MANY_QUERY_SUBSCRIPTIONS) return poll(Date.now() + subscribeAgainAfterMs);
        onStatus('failed', error);
        return later(subscribe, retryDelayMs);
      }
      onStatus('live');
      listed(results);
      report(results);
    });
    subscription = liveQuery;
    liveQuery.on('changed', (results) => {
      listed(results);
      report(results);
    });
    // After a reconnect the client subscribes again by itself, sending the versions it has (`r`); the answer may
    // replace the results without a 'changed' (the first answer goes to the callback above).
    liveQuery.on('ready', () => {
      if (!catchingUp || subscription !== liveQuery || !liveQuery.results) return;
      catchingUp = false;
      onStatus('live');
      listed(liveQuery.results);
      report(liveQuery.results);
    });
    liveQuery.on('error', (error) => onStatus('failed', error));
  }

  /** A connection lost while subscribed: say so; the ShareDB client subscribes again when it is back. */
  function onConnectionState(state) {
    if (stopped || !subscription?.ready || state === 'connected' || catchingUp) return;
    catchingUp = true;
    onStatus('offline');
  }
  connection.on('state', onConnectionState);

  /**
   * The documents now listed: ops on them are reported (their versions move, and they were modified just now), and
   * the Doc objects of those no longer listed are dropped from the connection, so that one listed again later starts
   * from the server's snapshot and the connection holds no more documents than the list.
   */
  function listed(results) {
    const current = new Set(results);
    for (const [doc, listener] of watched) {
      if (current.has(doc)) continue;
      doc.removeListener('op batch', listener);
      watched.delete(doc);
      doc.destroy();
    }
    for (const doc of current) {
      if (watched.has(doc)) continue;
      const listener = () => {
        if (!subscription?.results) return;
        report(subscription.results, catchingUp ? [] : [{ id: doc.id, version: doc.version }]);
      };
      doc.on('op batch', listener);
      watched.set(doc, listener);
    }
  }

  /** The query as a fetch query, again every `pollIntervalMs`; at `subscribeAt` (if any) a subscription is tried again. */
  function poll(subscribeAt) {
    connection.createFetchQuery(collection, query, {}, (error, results) => {
      if (stopped) return;
      if (error) {
        if (error.code === QUERIES_NOT_SUPPORTED) return onStatus('unsupported', error);
        onStatus('failed', error);
        return later(() => poll(subscribeAt), retryDelayMs);
      }
      onStatus('polling');
      report(results);
      if (subscribeAt !== null && Date.now() + pollIntervalMs >= subscribeAt) later(subscribe, pollIntervalMs);
      else later(() => poll(subscribeAt), pollIntervalMs);
    });
  }

  subscribe();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      connection.removeListener('state', onConnectionState);
      subscription?.destroy();
      subscription = null;
      listed([]);
    },
  };
}
