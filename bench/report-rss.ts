// Loaded with `node --import` by the benchmark: prints the process's peak RSS on exit.
process.on('exit', () => {
  process.stderr.write(`\nBENCH maxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
