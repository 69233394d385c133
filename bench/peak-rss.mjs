// Loaded with `node --import` by bench/scale.mjs: prints the process's peak resident memory
// (all its threads, workers included) to stderr as it exits.
process.on('exit', () => process.stderr.write(`peak-rss ${process.resourceUsage().maxRSS * 1024}\n`));
