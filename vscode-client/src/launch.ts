// Which program runs the language server. Pure: no `vscode` import.
//
// In order: the `helix.server.path` setting (an installed helix-lsp); else
// `python -m helix_lsp` with the bundled libraries, run by the
// `helix.server.pythonPath` setting, else by the interpreter selected in the
// Python extension, else by `python3` (`python` on Windows) from PATH.

const MIN_PYTHON: readonly [number, number] = [3, 10];

/** The interpreter the Python extension has selected for the workspace. */
export interface SelectedInterpreter {
  path: string;
  /** [major, minor] when the Python extension knows it. */
  version?: [number, number];
}

export interface LaunchSpec {
  command: string;
  args: string[];
  /** Extra environment variables. */
  env: Record<string, string>;
  /** For messages: where the program came from, e.g. "the Python extension's interpreter". */
  origin: string;
}

export function isSupportedPython(version: [number, number] | undefined): boolean {
  if (!version) return false;
  const [maj, min] = version;
  return maj > MIN_PYTHON[0] || (maj === MIN_PYTHON[0] && min >= MIN_PYTHON[1]);
}

export interface LaunchChoice {
  launch: LaunchSpec;
  /** Why the Python extension's interpreter was passed over, for the log. */
  skipped?: string;
}

/**
 * The server's command line. `bundledLibs`: the extension's copy of
 * helix_lsp and its pure-Python dependencies (put on PYTHONPATH), when present.
 */
export function chooseLaunch(opts: {
  serverPath?: string;
  pythonPath?: string;
  selected?: SelectedInterpreter;
  platform: string;
  bundledLibs?: string;
}): LaunchChoice {
  const serverPath = opts.serverPath?.trim();
  if (serverPath) return { launch: { command: serverPath, args: [], env: {}, origin: 'helix.server.path' } };
  const explicit = opts.pythonPath?.trim();
  if (explicit) return { launch: pythonLaunch(explicit, 'helix.server.pythonPath', opts.bundledLibs) };
  let skipped: string | undefined;
  const sel = opts.selected;
  if (sel) {
    if (!sel.version || isSupportedPython(sel.version)) {
      return { launch: pythonLaunch(sel.path, "the Python extension's interpreter", opts.bundledLibs) };
    }
    skipped = `The Python extension's interpreter ${sel.path} is Python ${sel.version.join('.')}; the server needs ${MIN_PYTHON.join('.')} or newer.`;
  }
  const onPath = opts.platform === 'win32' ? 'python' : 'python3';
  return { launch: pythonLaunch(onPath, 'PATH', opts.bundledLibs), skipped };
}

/**
 * The server run as `python -m helix_lsp`, with the bundled libraries on
 * PYTHONPATH when they are present. vscode-languageclient appends `--stdio`.
 */
function pythonLaunch(python: string, origin: string, bundledLibs: string | undefined): LaunchSpec {
  const env: Record<string, string> = { PYTHONUNBUFFERED: '1' };
  if (bundledLibs) {
    env.PYTHONPATH = bundledLibs;
    env.PYTHONNOUSERSITE = '1';
  }
  return { command: python, args: ['-m', 'helix_lsp'], env, origin };
}

/** The message shown when the server did not start: what was run, and what to do. */
export function startFailureMessage(launch: LaunchSpec, detail: string): string {
  const what = launch.origin === 'PATH' ? `${launch.command} from PATH` : `${launch.command} (${launch.origin})`;
  const cause = detail.replace(/\.$/, '');
  if (launch.origin === 'helix.server.path') {
    return `Helix could not start its language server ${what}: ${cause}. Fix helix.server.path, or clear it to use the bundled server.`;
  }
  const fix = launch.origin === 'helix.server.pythonPath'
    ? 'Fix helix.server.pythonPath, or clear it to use the Python on PATH.'
    : 'Install Python, select an interpreter in the Python extension, or set helix.server.pythonPath (or helix.server.path to an installed helix-lsp).';
  return `Helix could not start its language server with ${what}: ${cause}. It needs Python ${MIN_PYTHON.join('.')} or newer. ${fix}`;
}
