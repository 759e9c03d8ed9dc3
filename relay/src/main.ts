// Standalone relay entry (dist/relay.js): the relay issue builds it out.
process.stderr.write('tandem relay: use `tandem relay`\n');
process.exitCode = 1;
