// "Helix: Show Report": the server's HTML report in a webview. The server
// builds the page with a nonce drawn here for each drawing; the page's CSP
// allows only its own nonce'd script and style, and the webview may load no
// local resource at all. The range and the project are chosen in quick
// picks (the panel's title-bar buttons), and the page is drawn again.

import * as vscode from 'vscode';

import { SessionListResult } from '../model';
import { messagePage } from '../pages';
import {
  DEFAULT_PROJECT, DEFAULT_RANGE, ProjectChoice, RANGES, RangeChoice, dayError, isoDay, projectsOf, rangeError,
  rangeLabel, reportParams, reportTitle,
} from '../reportRange';
import { nonce } from './detailsPanel';
import { errorMessage } from './errors';
import { focusedProject } from './picks';
import { HelixServer, Refused } from './server';
import { localZone } from './sessionTree';

export const REPORT_VIEW_TYPE = 'helix.report';
const REPORT = 'helix.session.report';

type RangeItem = vscode.QuickPickItem & { choice?: RangeChoice; custom?: boolean };
type ProjectItem = vscode.QuickPickItem & { choice: ProjectChoice };

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private range: RangeChoice = DEFAULT_RANGE;
  private project: ProjectChoice = DEFAULT_PROJECT;
  /** The project "current project" meant when the report was opened. */
  private currentProject: string | undefined;
  private drawing = 0;

  constructor(private readonly server: HelixServer, private readonly output: vscode.LogOutputChannel) {}

  dispose(): void {
    this.panel?.dispose();
  }

  /** Opens the report (or brings it forward) and draws it again. */
  async show(): Promise<void> {
    this.currentProject = focusedProject();
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Helix Report', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
        enableFindWidget: true,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    await this.draw();
  }

  async chooseRange(): Promise<void> {
    const items: RangeItem[] = [
      ...RANGES.map((r): RangeItem => ({ label: r.label, choice: r.choice, picked: r.choice.kind === this.range.kind })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(calendar) Custom range…', description: 'from one day to another', custom: true },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Report range', placeHolder: `Now: ${rangeLabel(this.range)}` });
    if (!pick) return;
    let choice = pick.choice;
    if (pick.custom) {
      const today = isoDay(new Date());
      const from = await askDay('Report from (1/2)', this.range.kind === 'custom' ? this.range.from : today);
      if (from === undefined) return;
      const to = await askDay('Report to (2/2), included', this.range.kind === 'custom' ? this.range.to : today, from);
      if (to === undefined) return;
      choice = { kind: 'custom', from, to };
    }
    if (!choice) return;
    this.range = choice;
    await this.show();
  }

  async chooseProject(): Promise<void> {
    const current = focusedProject();
    let projects: string[] = [];
    try {
      projects = projectsOf((await this.server.request<SessionListResult>('helix.session.list', { limit: 500 }))?.sessions ?? []);
    } catch (err) {
      this.output.warn(`Listing the projects: ${errorMessage(err)}`);
    }
    const items: ProjectItem[] = [
      { label: '$(folder) Current project', description: current ?? 'no folder open', choice: { kind: 'current' } },
      { label: '$(folder-library) All projects', choice: { kind: 'all' } },
      ...(projects.length ? [{ label: 'Projects', kind: vscode.QuickPickItemKind.Separator, choice: { kind: 'all' } } as ProjectItem] : []),
      ...projects.map((p): ProjectItem => ({ label: p, choice: { kind: 'named', project: p } })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Report project', matchOnDescription: true });
    if (!pick) return;
    this.project = pick.choice;
    await this.show();
  }

  private async draw(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const drawing = ++this.drawing;
    const title = reportTitle(this.range, this.project, this.currentProject);
    panel.title = title;
    panel.webview.html = messagePage(title, 'Reading the report…', nonce());
    const page = await this.page(title);
    // A later drawing (another range chosen meanwhile) wins; a closed panel stays closed.
    if (drawing === this.drawing && this.panel === panel) panel.webview.html = page;
  }

  private async page(title: string): Promise<string> {
    const n = nonce();
    if (this.server.running && !this.server.supports(REPORT)) {
      return messagePage(title, 'This Helix server makes no reports: update helix-lsp (or the helix.server.path setting) to a version that has helix.session.report.', n);
    }
    try {
      const params = reportParams({
        range: this.range, project: this.project, currentProject: this.currentProject, tz: localZone(), nonce: n, today: new Date(),
      });
      const answer = await this.server.request<{ html?: unknown }>(REPORT, params);
      if (typeof answer?.html === 'string') return answer.html;
      return messagePage(title, 'The server answered without a page.', n);
    } catch (err) {
      if (err instanceof Refused) return messagePage(title, err.message, n);
      this.output.warn(`The report: ${errorMessage(err)}`);
      return messagePage(title, `The report could not be read: ${errorMessage(err)}`, n);
    }
  }
}

function askDay(title: string, value: string, notBefore?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    value,
    prompt: 'A day, YYYY-MM-DD',
    ignoreFocusOut: true,
    validateInput: (text) => dayError(text) ?? (notBefore ? rangeError(notBefore, text) : undefined),
  }).then((v) => v?.trim());
}
