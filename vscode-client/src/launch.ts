// How the language server is started. Pure: no `vscode` import.

export interface LaunchSpec {
  command: string;
  args: string[];
  /** Extra environment variables. */
  env: Record<string, string>;
  /** For messages: how the server was found. */
  origin: 'server.path' | 'bundled' | 'installed';
}

export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Prints "major.minor" of the interpreter it runs in. */
export const PYTHON_VERSION_PROBE = 'import sys; print("%d.%d" % sys.version_info[:2])';

/** "3.11" -> [3, 11]; undefined for anything else. */
export function parsePythonVersion(output: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\s*$/.exec(output.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function isSupportedPython(version: [number, number] | undefined): boolean {
  if (!version) return false;
  const [maj, min] = version;
  return maj > MIN_PYTHON[0] || (maj === MIN_PYTHON[0] && min >= MIN_PYTHON[1]);
}

/** A Python interpreter to try: the executable and the arguments that select it. */
export interface PythonCandidate {
  command: string;
  args: string[];
}

/**
 * Interpreters to try, in order: the `helix.server.pythonPath` setting alone
 * when set; else the Python extension's chosen interpreter, then `python3`,
 * `python` (and the `py -3` launcher on Windows).
 */
export function pythonCandidates(opts: { pythonPath?: string; pythonExtensionPath?: string; platform: string }): PythonCandidate[] {
  const explicit = opts.pythonPath?.trim();
  if (explicit) return [{ command: explicit, args: [] }];
  const out: PythonCandidate[] = [];
  const ext = opts.pythonExtensionPath?.trim();
  if (ext && ext !== 'python' && ext !== 'python3') out.push({ command: ext, args: [] });
  if (opts.platform === 'win32') {
    out.push({ command: 'python', args: [] }, { command: 'py', args: ['-3'] });
  } else {
    out.push({ command: 'python3', args: [] }, { command: 'python', args: [] });
  }
  return out;
}

/** The server started by an installed `helix-lsp` (setting `helix.server.path`). */
export function serverPathLaunch(serverPath: string): LaunchSpec {
  return { command: serverPath.trim(), args: [], env: {}, origin: 'server.path' };
}

/**
 * The server run as `python -m helix_lsp`, with the extension's bundled
 * libraries (helix_lsp and its pure-Python dependencies) on PYTHONPATH when
 * they are present. vscode-languageclient appends `--stdio`.
 */
export function pythonLaunch(python: PythonCandidate, bundledLibs: string | undefined): LaunchSpec {
  const env: Record<string, string> = { PYTHONUNBUFFERED: '1' };
  if (bundledLibs) {
    env.PYTHONPATH = bundledLibs;
    env.PYTHONNOUSERSITE = '1';
  }
  return {
    command: python.command,
    args: [...python.args, '-m', 'helix_lsp'],
    env,
    origin: bundledLibs ? 'bundled' : 'installed',
  };
}

export function noPythonMessage(tried: PythonCandidate[], explicit: boolean): string {
  const names = tried.map((c) => [c.command, ...c.args].join(' ')).join(', ');
  if (explicit) {
    return `Helix could not start its language server: helix.server.pythonPath (${names}) is not a Python ${MIN_PYTHON.join('.')} or newer. Fix the setting, or clear it to use the Python on PATH.`;
  }
  return `Helix needs Python ${MIN_PYTHON.join('.')} or newer to run its language server, and none was found (tried ${names}). Install Python, or set helix.server.pythonPath to an interpreter or helix.server.path to an installed helix-lsp.`;
}
