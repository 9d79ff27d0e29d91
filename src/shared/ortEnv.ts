// onnxruntime 1.29+ builds for Linux and macOS carry 1DS telemetry that is on by default
// (microsoft/onnxruntime#27379): a device id and an event database under
// ~/.cache/Microsoft/DeveloperTools/.onnxruntime/, attempts to reach Microsoft's collector from a process
// that lives a few seconds, and a parse of /proc/self/cmdline with a recursive regex that overflows the
// stack on a long argument. This variable, set before the native library initialises, turns all of it
// off. LM Lens promises that nothing leaves the machine: every process that may load onnxruntime gets it,
// through disableOrtTelemetry.ts (imported before onnxruntime-node) or a child's environment.
export const ORT_ENV: Readonly<Record<string, string>> = { ORT_DISABLE_TELEMETRY: "1" };
