// Imported first by the server and the command line: every file and folder they make from here on,
// including the WAL, SHM and journals SQLite makes later, is its owner's alone (600, 700). The explicit
// chmods in db/files.ts cover files that already existed, and callers that do not import this.
process.umask(0o077)
