// node --test reporter for the robustness suite: one line at the end, "N passed, N failed", over every
// test (files that fail to load count as failed); the spec reporter beside it prints each case.
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    if (event.data.details?.type === "suite") continue;
    if (event.type === "test:pass") passed++;
    else {
      failed++;
      failures.push(event.data.name);
    }
  }
  yield `\nrobustness: ${passed} passed, ${failed} failed\n`;
  for (const f of failures) yield `  failed: ${f}\n`;
}
