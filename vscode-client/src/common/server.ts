// The language client's lifecycle: which program to run, start, stop,
// restart, and the two ways in: workspace commands (requests) and the
// `helix/status` push (an event).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import { commandArguments } from '../args';
import { LaunchSpec, chooseLaunch, startFailureMessage } from '../launch';
import { StatusParams } from '../model';
import { initializationOptions } from '../options';
import { Shown, errorMessage } from './errors';
import { selectedInterpreter } from './python';
import { readSettings } from './settings';

export type ServerState = { kind: 'starting' } | { kind: 'running' } | { kind: 'error'; detail: string };

/** A command the server refused: its one-sentence message and `data.kind`. */
export class Refused extends Error {
  constructor(message: string, readonly kind: string | undefined) {
    super(message);
  }
}

/**
 * vscode-languageclient shows its own notification when the server cannot
 * be started; while starting, this client leaves that to the one message
 * that names the interpreter and the setting to fix.
 */
class HelixLanguageClient extends LanguageClient {
  quiet = true;

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, this.quiet ? false : showNotification);
  }
}

export class HelixServer implements vscode.Disposable {
  private client: HelixLanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly statusEmitter = new vscode.EventEmitter<StatusParams>();
  /** Fires when the server starts, runs, or stops. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires on every `helix/status` push. */
  readonly onStatus = this.statusEmitter.event;
  state: ServerState = { kind: 'starting' };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  dispose(): void {
    this.stateEmitter.dispose();
    this.statusEmitter.dispose();
  }

  /** The client while the server runs. */
  get running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  private setState(state: ServerState): void {
    this.state = state;
    this.stateEmitter.fire(state);
  }

  private async launchSpec(): Promise<LaunchSpec> {
    const s = readSettings();
    const libs = this.context.asAbsolutePath(path.join('bundled', 'libs'));
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const selected = s.serverPath.trim() || s.pythonPath.trim() ? undefined : await selectedInterpreter(this.output, folder);
    const choice = chooseLaunch({
      serverPath: s.serverPath,
      pythonPath: s.pythonPath,
      selected,
      platform: process.platform,
      bundledLibs: fs.existsSync(path.join(libs, 'helix_lsp')) ? libs : undefined,
    });
    if (choice.skipped) this.output.warn(choice.skipped);
    return choice.launch;
  }

  start(): Promise<void> {
    if (!this.starting) {
      this.starting = this.doStart().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.setState({ kind: 'starting' });
    const launch = await this.launchSpec();
    this.output.info(`Starting the server: ${[launch.command, ...launch.args, '--stdio'].join(' ')} (${launch.origin})`);
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      transport: TransportKind.stdio, // appends --stdio
      options: { env: { ...process.env, ...launch.env } },
    };
    let restarts = 0;
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: initializationOptions(readSettings(), os.homedir()),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        // A server that dies while running comes back (a few times); one
        // that dies while starting is reported once, by doStart.
        closed: () =>
          client.quiet || ++restarts > 3
            ? { action: CloseAction.DoNotRestart, handled: true }
            : { action: CloseAction.Restart, handled: true },
      },
    };
    const client = new HelixLanguageClient('helix', 'Helix Language Server', serverOptions, clientOptions);
    this.client = client;
    client.onNotification('helix/status', (params: StatusParams) => {
      if (client === this.client) this.statusEmitter.fire(params);
    });
    client.onDidChangeState((e) => {
      if (client !== this.client || client.quiet) return;
      if (e.newState === State.Stopped) this.setState({ kind: 'error', detail: 'the server stopped; see the log' });
      else if (e.newState === State.Starting) this.setState({ kind: 'starting' });
      else if (e.newState === State.Running) this.setState({ kind: 'running' });
    });
    try {
      await client.start();
    } catch (err) {
      const message = startFailureMessage(launch, errorMessage(err));
      this.output.error(message);
      this.setState({ kind: 'error', detail: errorMessage(err) });
      void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log').then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'helix.server');
        if (choice === 'Show Log') this.output.show(true);
      });
      return;
    }
    client.quiet = false;
    this.output.info('The server is running.');
    this.setState({ kind: 'running' });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      if (client.isRunning()) await client.stop(3000);
    } catch (err) {
      this.output.warn(`Stopping the server: ${errorMessage(err)}`);
    }
  }

  /** Restarts the server; overlapping requests (several settings changed) run one after another. */
  restart(): Promise<void> {
    const next = this.restarting.catch(() => undefined).then(async () => {
      if (this.starting) await this.starting.catch(() => undefined);
      await this.stop();
      await this.start();
    });
    this.restarting = next;
    return next;
  }

  /**
   * Whether the running server offers the workspace command `command` (its
   * `executeCommandProvider.commands`); false while it is not running.
   */
  supports(command: string): boolean {
    return !!this.running?.initializeResult?.capabilities.executeCommandProvider?.commands.includes(command);
  }

  private async ready(): Promise<LanguageClient> {
    if (this.starting) await this.starting;
    if (!this.client) await this.start();
    const client = this.running;
    if (client) return client;
    const choice = await vscode.window.showErrorMessage('The Helix language server is not running.', 'Restart Server', 'Show Log');
    if (choice === 'Restart Server') void vscode.commands.executeCommand('helix.restartServer');
    if (choice === 'Show Log') this.output.show(true);
    throw new Shown();
  }

  /** Runs a workspace command; a refusal throws `Refused` with the server's sentence. */
  async request<T>(command: string, params?: Record<string, unknown>): Promise<T> {
    const client = await this.ready();
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: commandArguments(params) })) as T;
    } catch (err) {
      if (err instanceof ResponseError) {
        this.output.warn(`${command} refused: ${err.message}`);
        const kind = (err.data as { kind?: unknown } | undefined)?.kind;
        throw new Refused(err.message, typeof kind === 'string' ? kind : undefined);
      }
      throw err;
    }
  }

  /** Runs a workspace command; a refusal is shown as the server's sentence (and throws `Shown`). */
  async run<T>(command: string, params?: Record<string, unknown>): Promise<T> {
    try {
      return await this.request<T>(command, params);
    } catch (err) {
      if (err instanceof Refused) {
        void vscode.window.showErrorMessage(err.message);
        throw new Shown();
      }
      throw err;
    }
  }
}
