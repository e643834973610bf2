// Errors of the command flows: one already shown to the user, and the
// wrapper that reports anything else.

import * as vscode from 'vscode';

/** An error already shown to the user; command wrappers stay quiet about it. */
export class Shown extends Error {}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Runs a command flow; an unexpected error is logged and shown once. */
export async function guard(output: vscode.LogOutputChannel, fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Shown) return;
    output.error(`Helix: ${errorMessage(err)}`);
    void vscode.window.showErrorMessage(`Helix: ${errorMessage(err)}`);
  }
}
