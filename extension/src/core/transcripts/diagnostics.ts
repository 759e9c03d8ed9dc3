// What the transcript engine reports instead of throwing: every odd line or file becomes a counted
// diagnostic, and the bytes still flow (DESIGN.md §2: the raw file is the source of truth).

export type DiagnosticKind =
  /** a line that is not a JSON object; carried verbatim anyway */
  | 'not-json'
  /** a line whose bytes are not valid UTF-8; carried decoded with U+FFFD in place of the bad bytes */
  | 'invalid-utf8'
  /** a line longer than the cap; replaced by a placeholder line, everything after it still flows */
  | 'line-too-long'
  /** the file was shortened, replaced or changed before the read position; re-read from the start */
  | 'rewritten'
  /** a file or folder could not be read (permissions, not a file, I/O error) */
  | 'unreadable'
  /** a side file whose name cannot be carried safely in the document; skipped */
  | 'unsafe-path'
  /** a side file over the size cap; skipped */
  | 'file-too-large';

export type Diagnostic = {
  kind: DiagnosticKind;
  /** the file it concerns (absolute path) */
  file: string;
  /** 0-based line index in that file, when it concerns one line */
  line?: number;
  message: string;
};

export type DiagnosticCounts = Partial<Record<DiagnosticKind, number>>;

export function countDiagnostic(counts: DiagnosticCounts, kind: DiagnosticKind): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

export function totalDiagnostics(counts: DiagnosticCounts): number {
  return Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
}
