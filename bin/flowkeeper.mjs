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
await import('../cli/main.ts');
