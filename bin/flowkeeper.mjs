#!/usr/bin/env node
// Flowkeeper's operator CLI. The sources are TypeScript run directly by Node's type stripping,
// which needs the Node version the project pins (run through `npx flowkeeper` or npm scripts).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `flowkeeper: Node ${process.versions.node} is too old; run it as \`npx flowkeeper\` inside the project so the pinned Node 24 is used\n`,
  );
  process.exit(2);
}
// Node keeps the compiled modules in its compile cache (in the system's temporary directory), so a
// second run starts in about half the time; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../cli/main.ts');
