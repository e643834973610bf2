// The interpreter the user selected in the Python extension (through its
// published API, `@vscode/python-extension`), and when that selection
// changes. Without the Python extension (code-server, VSCodium) there is no
// selection and the server runs with the Python on PATH.

import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

import { SelectedInterpreter } from '../launch';

function installed(): boolean {
  return vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
}

/** The selected interpreter for `resource` (a workspace folder), if the Python extension has one. */
export async function selectedInterpreter(
  output: vscode.LogOutputChannel,
  resource?: vscode.Uri,
): Promise<SelectedInterpreter | undefined> {
  if (!installed()) return undefined;
  try {
    const api = await PythonExtension.api();
    const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
    if (!env?.executable.uri) return undefined;
    const uri = env.executable.uri;
    const v = env.version;
    return { path: uri.fsPath, version: v?.major !== undefined && v.minor !== undefined ? [v.major, v.minor] : undefined };
  } catch (err) {
    output.warn(`The Python extension did not say which interpreter is selected: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Calls `listener` when the user selects another interpreter in the Python extension. */
export async function onDidChangeInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
  if (!installed()) return undefined;
  try {
    const api = await PythonExtension.api();
    return api.environments.onDidChangeActiveEnvironmentPath(() => listener());
  } catch {
    return undefined;
  }
}
