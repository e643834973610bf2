// A stand-in for the Python extension (ms-python.python), which cannot be
// installed offline: it answers the part of its published environments API
// that @vscode/python-extension users call. The selected interpreter is
// read from the JSON file named by HELIX_TEST_PYTHON_SELECTION:
// {"current": PATH, "next": PATH, "version": [3, 11]}; the command "Test
// Python: Select the Next Interpreter" selects `next`, as a user would in
// the real extension's interpreter picker.
const fs = require('fs');
const vscode = require('vscode');

exports.activate = function activate(context) {
  const file = process.env.HELIX_TEST_PYTHON_SELECTION;
  const read = () => JSON.parse(fs.readFileSync(file, 'utf8'));
  const changed = new vscode.EventEmitter();
  context.subscriptions.push(
    changed,
    vscode.commands.registerCommand('helixTestPython.selectNext', () => {
      const selection = read();
      selection.current = selection.next;
      fs.writeFileSync(file, JSON.stringify(selection));
      changed.fire({ id: selection.current, path: selection.current, resource: undefined });
    }),
  );
  return {
    ready: Promise.resolve(),
    environments: {
      getActiveEnvironmentPath: () => ({ id: read().current, path: read().current }),
      resolveEnvironment: async (env) => {
        const p = typeof env === 'string' ? env : env.path;
        const [major, minor] = read().version;
        return {
          id: p,
          path: p,
          executable: { uri: vscode.Uri.file(p), bitness: '64-bit', sysPrefix: '' },
          environment: undefined,
          version: { major, minor, micro: 0, release: { level: 'final', serial: 0 }, sysVersion: `${major}.${minor}.0` },
          tools: [],
        };
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
};
