/**
 * A scripted HTTP server on 127.0.0.1 (random port) for wire-protocol tests: it answers each request with
 * the next step of its script and records every request (method, path, headers, parsed JSON body), so a
 * test asserts on what a real client sent and on what it made of the answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON (undefined when it was not JSON). */
  body: any;
  /** The body as text. */
  rawBody: string;
}

/** One scripted answer. */
export interface ScriptedResponse {
  /** HTTP status; default 200. */
  status?: number;
  /** Response headers; `content-type: application/json` is added for object bodies. */
  headers?: Record<string, string>;
  /** An object or array is sent as JSON; a string is sent as it is. */
  body?: unknown;
  /** Never answer (the client's timeout must fire). */
  hang?: boolean;
  /** Drop the connection without answering (a connection reset). */
  reset?: boolean;
}

/** A step: a fixed answer, or a function of the request (and its 0-based index). */
export type ScriptStep = ScriptedResponse | ((request: RecordedRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>);

/** A running scripted server. */
export interface ScriptedServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Stop the server, dropping hung connections. */
  close(): Promise<void>;
}

/**
 * Start a server that answers request i with `script[i]`; a function script answers every request. Past
 * the end of an array script it answers 599, which no client retries into success, so a test that sent
 * more requests than it scripted fails visibly.
 */
export async function startScriptedServer(script: ScriptStep[] | ScriptStep): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = rawBody === '' ? undefined : JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
        const request: RecordedRequest = {
          method: incoming.method ?? 'GET',
          path: incoming.url ?? '/',
          headers: incoming.headers,
          body,
          rawBody,
        };
        const index = requests.length;
        requests.push(request);
        const step = Array.isArray(script) ? script[index] : script;
        const answer: ScriptedResponse =
          step === undefined
            ? { status: 599, body: { error: { message: `scripted server: no step for request ${index + 1}` } } }
            : typeof step === 'function'
              ? await step(request, index)
              : step;
        if (answer.hang) return;
        if (answer.reset) {
          incoming.socket.destroy();
          return;
        }
        const isText = typeof answer.body === 'string';
        const text = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
        outgoing.writeHead(answer.status ?? 200, {
          ...(isText ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json' }),
          ...answer.headers,
        });
        outgoing.end(text);
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
