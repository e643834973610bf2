// The Helix extension: starts the helix-lsp language server, shows the
// session in the status bar, reports the cursor, and offers the session
// commands in the command palette.

import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import { ACTIONS, ActionId, Transition, canTransition, legalActions, statusesFor, targetFor } from './actions';
import {
  HelixSettings,
  ListFilter,
  RESTART_SETTINGS,
  commandArguments,
  createParams,
  cursorParams,
  initializationOptions,
  listParams,
  sessionParams,
  validateKey,
  validateName,
  validateProject,
  validateReason,
  validateTag,
  validateTags,
  validateValue,
} from './args';
import {
  LaunchSpec,
  PYTHON_VERSION_PROBE,
  PythonCandidate,
  isSupportedPython,
  noPythonMessage,
  parsePythonVersion,
  pythonCandidates,
  pythonLaunch,
  serverPathLaunch,
} from './launch';
import { MODES, Mode, STATUSES, Session, SessionListResult, StatusParams, TransitionResult, modeIcon, statusIcon } from './model';
import { FolderRef, currentSession, restoreTarget, switchCandidates } from './select';
import { StatusBarView, formatDuration, serverStateView, sessionDetails, sessionRow, statusBarView } from './view';

const CURSOR_DEBOUNCE_MS = 150;
const SESSION_SCHEME = 'helix-session';

/** An error already shown to the user; command wrappers stay quiet about it. */
class Shown extends Error {}

interface SessionItem extends vscode.QuickPickItem {
  session: Session;
}

let helix: Helix | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  helix = new Helix(context);
  await helix.activate();
}

export async function deactivate(): Promise<void> {
  await helix?.stopClient();
  helix = undefined;
}

function settings(): HelixSettings {
  const c = vscode.workspace.getConfiguration('helix');
  return {
    dbPath: c.get<string>('dbPath', ''),
    exclude: c.get<string[]>('exclude', []),
    hideFileNames: c.get<boolean>('hideFileNames', false),
    autoPauseMinutes: c.get<number>('autoPauseMinutes', 0),
    serverPath: c.get<string>('server.path', ''),
    pythonPath: c.get<string>('server.pythonPath', ''),
    restoreOnResume: c.get<boolean>('restoreOnResume', true),
  };
}

function folders(): FolderRef[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => ({ name: f.name, fsPath: f.uri.fsPath }));
}

function errorMessage(err: unknown): string {
  if (err instanceof ResponseError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

class Helix {
  private readonly output: vscode.LogOutputChannel;
  private readonly item: vscode.StatusBarItem;
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private restarting: Promise<void> = Promise.resolve();
  private lastStatus: StatusParams | undefined;
  private statusReceivedAt = Date.now();
  private current: Session | undefined;
  private focusedProject: string | undefined;
  private refreshSeq = 0;
  private cursorTimer: NodeJS.Timeout | undefined;
  private readonly documents = new Map<string, string>();
  private readonly onDocumentChange = new vscode.EventEmitter<vscode.Uri>();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('Helix', { log: true });
    this.item = vscode.window.createStatusBarItem('helix.session', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Helix Session';
    context.subscriptions.push(this.output, this.item, this.onDocumentChange);
  }

  async activate(): Promise<void> {
    const ctx = this.context;
    this.focusedProject = this.projectOf(vscode.window.activeTextEditor) ?? vscode.workspace.workspaceFolders?.[0]?.name;
    this.render(serverStateView('starting'));
    this.item.show();

    const command = (id: string, fn: (...args: any[]) => unknown) =>
      ctx.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => this.guard(() => fn(...args))));
    command('helix.createSession', () => this.createSession());
    command('helix.startSession', (s?: Session) => this.transition('start', s));
    command('helix.pauseSession', (s?: Session) => this.transition('pause', s));
    command('helix.resumeSession', (s?: Session) => this.transition('resume', s));
    command('helix.completeSession', (s?: Session) => this.transition('complete', s));
    command('helix.failSession', (s?: Session) => this.transition('fail', s));
    command('helix.switchSession', () => this.switchSession());
    command('helix.setMode', (s?: Session) => this.setMode(s));
    command('helix.addTag', (s?: Session) => this.addTag(s));
    command('helix.removeTag', (s?: Session) => this.removeTag(s));
    command('helix.setMetadata', (s?: Session) => this.setMetadata(s));
    command('helix.showSession', (s?: Session) => this.showSession(s));
    command('helix.listSessions', () => this.listSessions());
    command('helix.exportSessions', () => this.exportSessions());
    command('helix.showLog', () => this.output.show(true));
    command('helix.restartServer', () => this.restart());
    command('helix.sessionActions', () => this.sessionActions());

    ctx.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(SESSION_SCHEME, {
        onDidChange: this.onDocumentChange.event,
        provideTextDocumentContent: (uri) => this.documents.get(uri.toString()) ?? '',
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.scheduleCursor(e.textEditor);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const project = this.projectOf(editor);
        if (project !== undefined && project !== this.focusedProject) {
          this.focusedProject = project;
          void this.refreshIndicator();
        }
        if (editor) this.sendCursor(editor);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        if (!vscode.workspace.workspaceFolders?.some((f) => f.name === this.focusedProject)) {
          this.focusedProject = this.projectOf(vscode.window.activeTextEditor) ?? vscode.workspace.workspaceFolders?.[0]?.name;
        }
        void this.refreshIndicator();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
          this.output.info('Settings changed; restarting the server.');
          void this.guard(() => this.restart());
        }
      }),
    );
    // Keeps the tooltip's active time current while a session is active.
    const ticker = setInterval(() => {
      if (this.current?.status === 'active') this.renderCurrent();
    }, 30_000);
    ctx.subscriptions.push({ dispose: () => clearInterval(ticker) });

    // Not awaited: activation finishes at once; commands wait for the server.
    void this.startClient();
  }

  // ---- the language client -------------------------------------------------

  private async resolveLaunch(s: HelixSettings): Promise<LaunchSpec | undefined> {
    if (s.serverPath.trim()) return serverPathLaunch(s.serverPath);
    const pythonExt = vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath', '');
    const candidates = pythonCandidates({
      pythonPath: s.pythonPath,
      pythonExtensionPath: pythonExt.includes('${') ? '' : pythonExt,
      platform: process.platform,
    });
    const python = await this.findPython(candidates);
    if (!python) {
      const message = noPythonMessage(candidates, !!s.pythonPath.trim());
      this.output.error(message);
      this.render(serverStateView('error', 'no Python 3.10 or newer found'));
      void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log').then((choice) => {
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'helix.server');
        if (choice === 'Show Log') this.output.show(true);
      });
      return undefined;
    }
    const libs = this.context.asAbsolutePath(path.join('bundled', 'libs'));
    const bundled = fs.existsSync(path.join(libs, 'helix_lsp')) ? libs : undefined;
    return pythonLaunch(python, bundled);
  }

  private async findPython(candidates: PythonCandidate[]): Promise<PythonCandidate | undefined> {
    for (const c of candidates) {
      const out = await new Promise<string | undefined>((resolve) => {
        cp.execFile(c.command, [...c.args, '-c', PYTHON_VERSION_PROBE], { timeout: 15_000 }, (err, stdout) =>
          resolve(err ? undefined : stdout));
      });
      const version = out === undefined ? undefined : parsePythonVersion(out);
      const label = [c.command, ...c.args].join(' ');
      if (isSupportedPython(version)) {
        this.output.info(`Using Python ${version!.join('.')} (${label}).`);
        return c;
      }
      this.output.info(version ? `Skipping ${label}: Python ${version.join('.')} is too old.` : `No Python at ${label}.`);
    }
    return undefined;
  }

  async startClient(): Promise<void> {
    if (this.starting) return this.starting;
    this.starting = this.doStartClient().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStartClient(): Promise<void> {
    const s = settings();
    this.render(serverStateView('starting'));
    const launch = await this.resolveLaunch(s);
    if (!launch) return;
    this.output.info(`Starting the server: ${[launch.command, ...launch.args, '--stdio'].join(' ')} (${launch.origin})`);
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      transport: TransportKind.stdio, // appends --stdio
      options: { env: { ...process.env, ...launch.env } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: initializationOptions(s, os.homedir()),
    };
    const client = new LanguageClient('helix', 'Helix Language Server', serverOptions, clientOptions);
    this.client = client;
    client.onNotification('helix/status', (params: StatusParams) => {
      this.lastStatus = { active: params?.active ?? null, sessions: params?.sessions ?? [] };
      this.statusReceivedAt = Date.now();
      void this.refreshIndicator();
    });
    client.onDidChangeState((e) => {
      if (client !== this.client) return;
      if (e.newState === State.Stopped) {
        this.lastStatus = undefined;
        this.current = undefined;
        this.render(serverStateView('error', 'the server stopped; see the log'));
      } else if (e.newState === State.Starting) {
        this.render(serverStateView('starting'));
      }
    });
    try {
      await client.start();
    } catch (err) {
      this.output.error(`The server did not start: ${errorMessage(err)}`);
      this.render(serverStateView('error', errorMessage(err)));
      return;
    }
    this.output.info('The server is running.');
    await this.refreshIndicator();
    const editor = vscode.window.activeTextEditor;
    if (editor) this.sendCursor(editor);
  }

  async stopClient(): Promise<void> {
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
  private restart(): Promise<void> {
    const next = this.restarting.catch(() => undefined).then(() => this.doRestart());
    this.restarting = next;
    return next;
  }

  private async doRestart(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    await this.stopClient();
    this.lastStatus = undefined;
    this.current = undefined;
    await this.startClient();
    if (this.client?.isRunning()) vscode.window.setStatusBarMessage('$(check) Helix server restarted', 3000);
  }

  private async readyClient(): Promise<LanguageClient> {
    if (this.starting) await this.starting;
    if (!this.client) await this.startClient();
    const client = this.client;
    if (client?.isRunning()) return client;
    const choice = await vscode.window.showErrorMessage('The Helix language server is not running.', 'Restart Server', 'Show Log');
    if (choice === 'Restart Server') void vscode.commands.executeCommand('helix.restartServer');
    if (choice === 'Show Log') this.output.show(true);
    throw new Shown();
  }

  /** Runs a server workspace command; a refusal is shown as the server's sentence. */
  private async run<T>(command: string, params?: Record<string, unknown>): Promise<T> {
    const client = await this.readyClient();
    try {
      return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: commandArguments(params) })) as T;
    } catch (err) {
      if (err instanceof ResponseError) {
        this.output.warn(`${command} refused: ${err.message}`);
        void vscode.window.showErrorMessage(err.message);
        throw new Shown();
      }
      throw err;
    }
  }

  private async guard(fn: () => unknown): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof Shown) return;
      this.output.error(`Helix: ${errorMessage(err)}`);
      void vscode.window.showErrorMessage(`Helix: ${errorMessage(err)}`);
    }
  }

  // ---- status bar ----------------------------------------------------------

  private projectOf(editor: vscode.TextEditor | undefined): string | undefined {
    if (!editor) return undefined;
    return vscode.workspace.getWorkspaceFolder(editor.document.uri)?.name;
  }

  private async refreshIndicator(): Promise<void> {
    const seq = ++this.refreshSeq;
    const status = this.lastStatus;
    const project = this.focusedProject;
    if (!status || !this.client?.isRunning()) {
      if (this.client?.isRunning()) {
        this.current = undefined;
        this.renderCurrent();
      }
      return;
    }
    let current = currentSession(status, project);
    if (!current) {
      // No active session there: show its most recently paused one.
      let paused: Session[] = [];
      try {
        const res = (await this.client.sendRequest(ExecuteCommandRequest.type, {
          command: 'helix.session.list',
          arguments: commandArguments(listParams({ kind: 'status', value: 'paused' }, 20, project)),
        })) as SessionListResult | null;
        paused = res?.sessions ?? [];
      } catch (err) {
        this.output.warn(`Listing paused sessions: ${errorMessage(err)}`);
      }
      current = currentSession(status, project, paused);
    }
    if (seq !== this.refreshSeq) return;
    this.current = current;
    this.renderCurrent();
  }

  private renderCurrent(): void {
    this.render(statusBarView(this.current, { receivedAt: this.statusReceivedAt, project: this.focusedProject }));
  }

  private render(view: StatusBarView): void {
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      view.look === 'paused'
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : view.look === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : undefined;
    this.item.command = view.look === 'error' ? 'helix.showLog' : view.look === 'starting' ? undefined : 'helix.sessionActions';
  }

  private async sessionActions(): Promise<void> {
    const session = this.current;
    const items = legalActions(session).map((id) => {
      const a = ACTIONS[id];
      return { label: `$(${a.icon}) ${a.label}`, description: a.description, id } as vscode.QuickPickItem & { id: ActionId };
    });
    const pick = await vscode.window.showQuickPick(items, {
      title: session ? `Helix: ${session.name} (${session.mode}, ${session.status})` : 'Helix: no active session',
      placeHolder: 'Choose an action',
    });
    if (!pick) return;
    const target = ['create', 'switch', 'list'].includes(pick.id) ? undefined : session;
    await vscode.commands.executeCommand(ACTIONS[pick.id].command, target);
  }

  // ---- cursor --------------------------------------------------------------

  private scheduleCursor(editor: vscode.TextEditor): void {
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = undefined;
      if (vscode.window.activeTextEditor === editor) this.sendCursor(editor);
    }, CURSOR_DEBOUNCE_MS);
  }

  private sendCursor(editor: vscode.TextEditor): void {
    if (this.cursorTimer) {
      clearTimeout(this.cursorTimer);
      this.cursorTimer = undefined;
    }
    const uri = editor.document.uri;
    if (uri.scheme !== 'file' || !this.client?.isRunning()) return;
    const pos = editor.selection.active;
    void this.client
      .sendNotification('helix/cursorMoved', cursorParams(uri.toString(), pos.line, pos.character))
      .catch((err) => this.output.warn(`helix/cursorMoved: ${errorMessage(err)}`));
  }

  // ---- picking sessions ----------------------------------------------------

  private async listByStatus(statuses: readonly string[], project?: string, limit = 100): Promise<Session[]> {
    const res = await this.run<SessionListResult>('helix.session.list', { status: [...statuses], project, limit });
    return res?.sessions ?? [];
  }

  private async pickSession(sessions: Session[], title: string, placeHolder?: string): Promise<Session | undefined> {
    const items: SessionItem[] = sessions.map((s) => ({ ...sessionRow(s), session: s }));
    const pick = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, matchOnDetail: true });
    return pick?.session;
  }

  /** Orders sessions so the focused project's come first (stable otherwise). */
  private focusedFirst(sessions: Session[]): Session[] {
    const p = this.focusedProject;
    return [...sessions.filter((s) => s.project === p), ...sessions.filter((s) => s.project !== p)];
  }

  /**
   * The session a non-lifecycle command acts on: the one given, else the
   * shown one, else the only open session, else the user's choice.
   */
  private async targetSession(title: string, given?: Session, allowFinal = false): Promise<Session | undefined> {
    if (given && given.id) return given;
    if (this.current) return this.current;
    const open = this.focusedFirst(await this.listByStatus(['active', 'paused', 'idle']));
    let pool = open;
    if (allowFinal && open.length === 0) {
      pool = (await this.run<SessionListResult>('helix.session.list', { limit: 50 }))?.sessions ?? [];
    }
    if (pool.length === 0) {
      void this.offerCreate(allowFinal ? 'There are no sessions yet.' : 'There is no open session.');
      return undefined;
    }
    if (pool.length === 1) return pool[0];
    return this.pickSession(pool, title, 'Which session?');
  }

  private async offerCreate(message: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(message, 'Create Session');
    if (choice) await vscode.commands.executeCommand('helix.createSession');
  }

  // ---- commands --------------------------------------------------------------

  private async pickMode(title: string, current?: string): Promise<Mode | undefined> {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { mode: Mode }>();
    qp.title = title;
    qp.placeholder = 'What kind of work is it?';
    qp.items = MODES.map((m) => ({
      label: `$(${m.icon}) ${m.mode}`,
      description: m.mode === current ? `${m.description} (current)` : m.description,
      mode: m.mode,
    }));
    const preferred = qp.items.find((i) => i.mode === (current ?? 'building'));
    if (preferred) qp.activeItems = [preferred];
    qp.ignoreFocusOut = true;
    return new Promise<Mode | undefined>((resolve) => {
      let done = false;
      qp.onDidAccept(() => {
        done = true;
        resolve(qp.selectedItems[0]?.mode ?? qp.activeItems[0]?.mode);
        qp.hide();
      });
      qp.onDidHide(() => {
        if (!done) resolve(undefined);
        qp.dispose();
      });
      qp.show();
    });
  }

  private defaultProject(): string | undefined {
    return this.focusedProject ?? vscode.workspace.workspaceFolders?.[0]?.name;
  }

  private async createSession(): Promise<void> {
    const steps = 4;
    const name = await vscode.window.showInputBox({
      title: `Create Session (1/${steps})`,
      prompt: 'Name the session after the work, e.g. implement-user-auth',
      placeHolder: 'implement-user-auth',
      validateInput: validateName,
      ignoreFocusOut: true,
    });
    if (name === undefined) return;
    const mode = await this.pickMode(`Create Session (2/${steps}): mode of '${name.trim()}'`);
    if (!mode) return;
    const project = await vscode.window.showInputBox({
      title: `Create Session (3/${steps}): project`,
      prompt: 'The project this session belongs to (one active session per project)',
      value: this.defaultProject() ?? '',
      validateInput: validateProject,
      ignoreFocusOut: true,
    });
    if (project === undefined) return;
    const tags = await vscode.window.showInputBox({
      title: `Create Session (4/${steps}): tags (optional)`,
      prompt: 'Tags separated by spaces or commas, e.g. authentication backend; leave empty for none',
      validateInput: validateTags,
      ignoreFocusOut: true,
    });
    if (tags === undefined) return;
    const session = await this.run<Session>('helix.session.create', createParams({ name, mode, project, tags }));
    void this.refreshIndicator();
    void vscode.window
      .showInformationMessage(`Created session '${session.name}' (${session.mode}) in ${session.project}.`, 'Start')
      .then((choice) => {
        if (choice === 'Start') void this.guard(() => this.startIfIdle(session));
      });
  }

  /** The "Start" button of the "created" message: it may be clicked after the session was started. */
  private async startIfIdle(session: Session): Promise<void> {
    const fresh = await this.run<Session | null>('helix.session.get', sessionParams(session.id));
    if (fresh && fresh.status === 'idle') await this.transition('start', fresh);
    else if (fresh) vscode.window.setStatusBarMessage(`'${fresh.name}' is already ${fresh.status}.`, 4000);
  }

  private async transition(action: Transition, given?: Session): Promise<void> {
    let target: Session | undefined = given && given.id ? given : undefined;
    if (!target) {
      const current = this.current;
      const candidates = current && canTransition(action, current.status)
        ? []
        : this.focusedFirst(await this.listByStatus(statusesFor(action)));
      const t = targetFor(action, current, candidates);
      if ('session' in t) {
        target = t.session;
      } else if (t.choices.length === 0) {
        const what = statusesFor(action).join(' or ');
        if (action === 'start') void this.offerCreate(`There is no idle session to start.`);
        else void vscode.window.showInformationMessage(`There is no ${what} session to ${action}.`);
        return;
      } else {
        target = await this.pickSession(t.choices, `${ACTIONS[action].label}`, `Which session do you want to ${action}?`);
        if (!target) return;
      }
    }
    let reason: string | undefined;
    if (action === 'fail') {
      reason = await vscode.window.showInputBox({
        title: `Fail Session '${target.name}'`,
        prompt: 'Why did it fail?',
        placeHolder: 'Tests failed, need to redesign',
        validateInput: validateReason,
        ignoreFocusOut: true,
      });
      if (reason === undefined) return;
      reason = reason.trim();
    }
    const result = await this.run<TransitionResult>(`helix.session.${action}`, sessionParams(target.id, reason ? { reason } : {}));
    const session = result?.session ?? target;
    const paused = (result?.paused ?? []).map((s) => `'${s.name}'`);
    if (paused.length) {
      void vscode.window.showInformationMessage(
        `${action === 'start' ? 'Started' : 'Resumed'} '${session.name}'; paused ${paused.join(', ')} (one active session per project).`,
      );
    } else if (action === 'complete') {
      void vscode.window.showInformationMessage(`Completed '${session.name}' after ${formatDuration(session.activeSeconds)} of active time.`);
    } else if (action === 'fail') {
      void vscode.window.showInformationMessage(`Marked '${session.name}' as failed.`);
    }
    await this.refreshIndicator();
    if (action === 'resume') await this.restoreLocation(session);
  }

  private async switchSession(): Promise<void> {
    const open = await this.listByStatus(['active', 'paused', 'idle']);
    const choices = switchCandidates(open, this.focusedProject, this.current?.id);
    if (choices.length === 0) {
      void this.offerCreate('There is no other open session to switch to.');
      return;
    }
    const target = await this.pickSession(choices, 'Switch Session', 'Work on which session? (idle ones start, paused ones resume)');
    if (!target) return;
    let session = target;
    if (target.status === 'idle' || target.status === 'paused') {
      const action = target.status === 'idle' ? 'start' : 'resume';
      const result = await this.run<TransitionResult>(`helix.session.${action}`, sessionParams(target.id));
      session = result?.session ?? target;
      const paused = (result?.paused ?? []).map((s) => `'${s.name}'`);
      if (paused.length) void vscode.window.showInformationMessage(`Switched to '${session.name}'; paused ${paused.join(', ')}.`);
    }
    if (session.project !== this.focusedProject && vscode.workspace.workspaceFolders?.some((f) => f.name === session.project)) {
      this.focusedProject = session.project;
    }
    await this.refreshIndicator();
    await this.restoreLocation(session);
  }

  private async restoreLocation(session: Session): Promise<void> {
    if (!settings().restoreOnResume) return;
    const target = restoreTarget(session, folders());
    if (!target) return;
    const file = target.paths.find((p) => fs.existsSync(p));
    if (!file) return;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const line = Math.min(target.line, Math.max(0, doc.lineCount - 1));
    const character = Math.min(target.character, doc.lineAt(line).text.length);
    const pos = new vscode.Position(line, character);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async setMode(given?: Session): Promise<void> {
    const target = await this.targetSession('Set Mode', given);
    if (!target) return;
    const mode = await this.pickMode(`Set Mode of '${target.name}'`, target.mode);
    if (!mode || mode === target.mode) return;
    await this.run<Session>('helix.session.setMode', sessionParams(target.id, { mode }));
    await this.refreshIndicator();
  }

  private async addTag(given?: Session): Promise<void> {
    const target = await this.targetSession('Add Tag', given);
    if (!target) return;
    const tag = await vscode.window.showInputBox({
      title: `Add Tag to '${target.name}'`,
      prompt: (target.tags ?? []).length ? `Current tags: ${(target.tags ?? []).join(', ')}` : 'e.g. authentication',
      validateInput: validateTag,
      ignoreFocusOut: true,
    });
    if (tag === undefined) return;
    await this.run<Session>('helix.session.addTag', sessionParams(target.id, { tag: tag.trim() }));
    await this.refreshIndicator();
  }

  private async removeTag(given?: Session): Promise<void> {
    const target = await this.targetSession('Remove Tag', given);
    if (!target) return;
    const tags = target.tags ?? [];
    if (!tags.length) {
      void vscode.window.showInformationMessage(`'${target.name}' has no tags.`);
      return;
    }
    const tag = await vscode.window.showQuickPick(
      tags.map((t) => ({ label: `$(tag) ${t}`, tag: t })),
      { title: `Remove Tag from '${target.name}'` },
    );
    if (!tag) return;
    await this.run<Session>('helix.session.removeTag', sessionParams(target.id, { tag: tag.tag }));
    await this.refreshIndicator();
  }

  private async setMetadata(given?: Session): Promise<void> {
    const target = await this.targetSession('Set Metadata', given);
    if (!target) return;
    const existing = Object.keys(target.metadata ?? {});
    const key = await vscode.window.showInputBox({
      title: `Set Metadata on '${target.name}' (1/2): key`,
      prompt: existing.length ? `Existing keys: ${existing.join(', ')}` : 'e.g. sprint, ticket, reviewer',
      validateInput: validateKey,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    const k = key.trim();
    const value = await vscode.window.showInputBox({
      title: `Set Metadata on '${target.name}' (2/2): value of '${k}'`,
      value: target.metadata?.[k] ?? '',
      prompt: 'e.g. 23; leave empty to remove the key',
      validateInput: validateValue,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    await this.run<Session>('helix.session.setMetadata', sessionParams(target.id, { key: k, value: value === '' ? null : value }));
    await this.refreshIndicator();
  }

  private async showSession(given?: Session): Promise<void> {
    const target = await this.targetSession('Show Session', given, true);
    if (!target) return;
    const session = (await this.run<Session | null>('helix.session.get', sessionParams(target.id))) ?? target;
    const uri = vscode.Uri.from({ scheme: SESSION_SCHEME, path: `/${session.name.replace(/[\\/]/g, '_')}.md`, query: session.id });
    this.documents.set(uri.toString(), sessionDetails(session));
    this.onDocumentChange.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private async listSessions(): Promise<void> {
    type FilterItem = vscode.QuickPickItem & { filter?: ListFilter; askTag?: boolean };
    const items: FilterItem[] = [
      { label: '$(list-unordered) All sessions', filter: { kind: 'all' } },
      { label: 'Status', kind: vscode.QuickPickItemKind.Separator },
      ...STATUSES.map((s): FilterItem => ({ label: `$(${statusIcon(s)}) ${s}`, description: 'status', filter: { kind: 'status', value: s } })),
      { label: 'Mode', kind: vscode.QuickPickItemKind.Separator },
      ...MODES.map((m): FilterItem => ({ label: `$(${modeIcon(m.mode)}) ${m.mode}`, description: 'mode', filter: { kind: 'mode', value: m.mode } })),
      { label: 'Tag', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(tag) With tag…', askTag: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'List Sessions', placeHolder: 'Show which sessions?' });
    if (!pick) return;
    let filter = pick.filter;
    if (pick.askTag) {
      const tag = await vscode.window.showInputBox({ title: 'List Sessions with tag', validateInput: validateTag });
      if (tag === undefined) return;
      filter = { kind: 'tag', value: tag.trim() };
    }
    if (!filter) return;
    const res = await this.run<SessionListResult>('helix.session.list', listParams(filter));
    const sessions = res?.sessions ?? [];
    const which = filter.kind === 'all' ? '' : ` with ${filter.kind} ${filter.value}`;
    if (!sessions.length) {
      void vscode.window.showInformationMessage(`No sessions${which}.`);
      return;
    }
    const total = res.total ?? sessions.length;
    const chosen = await this.pickSession(
      sessions,
      `${total} ${total === 1 ? 'session' : 'sessions'}${which}${total > sessions.length ? ` (newest ${sessions.length} shown)` : ''}`,
      'Choose one to see its details',
    );
    if (chosen) await this.showSession(chosen);
  }

  private async exportSessions(): Promise<void> {
    const snapshot = await this.run<unknown>('helix.session.export', { all: true });
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `helix-sessions-${new Date().toISOString().slice(0, 10)}.json`;
    const uri = await vscode.window.showSaveDialog({
      title: 'Export Sessions',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(path.join(os.homedir(), name)),
      filters: { JSON: ['json'] },
      saveLabel: 'Export',
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(snapshot, null, 2) + '\n', 'utf8'));
    const count = countSessions(snapshot);
    void vscode.window.showInformationMessage(`Exported ${count === undefined ? 'sessions' : `${count} session${count === 1 ? '' : 's'}`} to ${uri.fsPath}.`);
  }
}

function countSessions(snapshot: unknown): number | undefined {
  if (snapshot && typeof snapshot === 'object' && Array.isArray((snapshot as { sessions?: unknown }).sessions)) {
    return (snapshot as { sessions: unknown[] }).sessions.length;
  }
  return undefined;
}
