import net from 'node:net';

/** An asynchronous message from QEMU, such as SHUTDOWN, STOP, RESUME or RESET. */
export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

/** An `error` reply to a QMP command. */
export class QmpCommandError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly description: string,
  ) {
    super(`QMP command ${command} failed: ${description} (${errorClass})`);
    this.name = 'QmpCommandError';
  }
}

/** The QMP connection ended, or never got going, before a reply came. */
export class QmpConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QmpConnectionError';
  }
}

interface PendingCommand {
  command: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

type EventListener = (event: QmpEvent) => void;

/** Default deadline of one command's reply, in milliseconds. */
const COMMAND_TIMEOUT_MS = 30_000;

/**
 * One connection to a QEMU monitor over its UNIX socket. QMP sends one JSON object
 * per line: a greeting first, then replies carrying the id of their command, and
 * events in between. `connect` waits for the greeting and sends qmp_capabilities,
 * after which commands may be sent concurrently.
 */
export class QmpClient {
  private readonly pending = new Map<number, PendingCommand>();
  private readonly listeners = new Set<EventListener>();
  private readonly closeListeners = new Set<() => void>();
  private buffer = '';
  private nextId = 1;
  private isClosed = false;
  private greeted?: () => void;

  private constructor(
    private readonly socket: net.Socket,
    readonly socketPath: string,
  ) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.handleClose());
  }

  /**
   * Connects to `socketPath`, waits for the greeting and negotiates capabilities.
   * Rejects with a QmpConnectionError when the connection fails, or when no greeting
   * comes within `timeoutMs` (QEMU serves one client at a time, so another client
   * holding the socket has this effect).
   */
  static async connect(socketPath: string, timeoutMs: number): Promise<QmpClient> {
    const socket = net.createConnection({ path: socketPath });
    const client = new QmpClient(socket, socketPath);

    const greeting = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new QmpConnectionError(`no QMP greeting on ${socketPath} within ${timeoutMs / 1000} s; another client may hold the socket, because QEMU serves one at a time`)), timeoutMs);
      client.greeted = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new QmpConnectionError(`cannot connect to the QMP socket ${socketPath}: ${error.message}`, { cause: error }));
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new QmpConnectionError(`the QMP socket ${socketPath} closed before its greeting`));
      });
    });

    try {
      await greeting;
      await client.execute('qmp_capabilities', undefined, timeoutMs);
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends a command and resolves with its `return` value; rejects with QmpCommandError or QmpConnectionError. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = COMMAND_TIMEOUT_MS): Promise<T> {
    if (this.isClosed) return Promise.reject(new QmpConnectionError(`the QMP connection to ${this.socketPath} is closed; cannot send ${command}`));

    const id = this.nextId++;
    const message = JSON.stringify(args === undefined ? { execute: command, id } : { execute: command, arguments: args, id });
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new QmpConnectionError(`no reply to QMP command ${command} on ${this.socketPath} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (value: unknown) => void, reject, timer });
      this.socket.write(`${message}\n`);
    });
  }

  /** Calls `listener` with every event from now on; returns the function that removes it. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` once when the connection ends; returns the function that removes it. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.socket.destroy();
    this.handleClose();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line !== '') this.handleMessage(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private handleMessage(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // QEMU writes only JSON here, so a line that does not parse is dropped: it carries no id to fail.
      return;
    }

    if ('QMP' in message) {
      this.greeted?.();
      return;
    }
    if (typeof message.event === 'string') {
      for (const listener of this.listeners) listener(message as unknown as QmpEvent);
      return;
    }
    this.settle(message);
  }

  private settle(message: Record<string, unknown>): void {
    const id = message.id;
    const pending = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (pending === undefined || typeof id !== 'number') return;

    this.pending.delete(id);
    clearTimeout(pending.timer);
    const error = message.error as { class?: string; desc?: string } | undefined;
    if (error !== undefined) {
      pending.reject(new QmpCommandError(pending.command, error.class ?? 'GenericError', error.desc ?? 'no description'));
    } else {
      pending.resolve(message.return);
    }
  }

  private handleClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;

    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new QmpConnectionError(`the QMP connection to ${this.socketPath} closed before the reply to ${pending.command}`));
    }
    this.pending.clear();
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }
}
