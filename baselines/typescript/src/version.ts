// version prints the reference's identity and exits: the launch cost of a
// Node process running compiled TypeScript, as `hive version` is hive's.
process.stdout.write(`hive-typescript-reference 1.0.0 (node ${process.version})\n`);
