// What the tests share: the compiled programs beside them, a scratch
// directory, and running a program to its exit.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const dist = path.resolve(__dirname, "..");

export function scratch(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ts-reference-test-"));
}

export function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(dist, script), ...args], { encoding: "utf8", env, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
