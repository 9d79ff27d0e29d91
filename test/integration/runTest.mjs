// Runs test/integration/suite.ts in a VS Code downloaded by @vscode/test-electron. This needs the
// network to reach VS Code's download servers, so it runs on developer machines, not in this project's
// CI (which tests in code-server instead: see README).
import { runTests } from "@vscode/test-electron";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, "dist", "test", "integration.js"),
    launchArgs: ["--disable-extensions", "--skip-welcome"],
  });
} catch (e) {
  console.error(`integration tests failed: ${e?.message ?? e}`);
  process.exit(1);
}
